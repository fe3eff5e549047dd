/**
 * The guide page: a table of contents of the rendered markdown pages and the page named by the URL fragment
 * (`guide.html#formula-index`, `#backends/some-anchor`). The HTML was rendered at build time (build/guidePages.mts).
 */
import "katex/dist/katex.min.css";
import pages from "virtual:attnlab-guide";

function show(): void {
  const [slug, anchor] = decodeURIComponent(location.hash.slice(1)).split("/");
  const page = pages.find((p) => p.slug === slug) ?? pages[0]!;
  const article = document.getElementById("guide-page")!;
  article.innerHTML = page.html;
  article.dataset.slug = page.slug;
  document.title = `${page.title} · attnlab guide`;
  for (const link of Array.from(document.querySelectorAll<HTMLAnchorElement>("#guide-nav a"))) {
    link.classList.toggle("current", link.dataset.slug === page.slug);
  }
  if (anchor) document.getElementById(anchor)?.scrollIntoView();
  else window.scrollTo(0, 0);
}

function buildNav(): void {
  const nav = document.getElementById("guide-nav")!;
  const list = document.createElement("ul");
  for (const page of pages) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `#${page.slug}`;
    link.dataset.slug = page.slug;
    link.textContent = page.title;
    link.title = page.path;
    item.append(link);
    list.append(item);
  }
  nav.append(list);
}

buildNav();
show();
window.addEventListener("hashchange", show);
