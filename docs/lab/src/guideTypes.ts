/** The shape of one guide page, shared by the build plugin that renders it and the page that shows it. */

/** One rendered markdown file of the guide. */
export interface GuidePage {
  /** URL fragment of the page: `readme`, `formula-index`, … */
  slug: string;
  /** Its first heading. */
  title: string;
  /** Repository path of the markdown source. */
  path: string;
  /** The rendered HTML (trusted: the repository's own markdown, rendered at build time). */
  html: string;
}
