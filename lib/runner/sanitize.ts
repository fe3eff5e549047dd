// The HTML/SVG sanitizer behind the standalone pages (sanitize-html with an allow-list): nothing that runs a
// script or loads anything by itself survives; the rule is written out in html.ts's header.
import sanitizeHtml from "sanitize-html";

const HTML_TAGS = [
  ...["p", "div", "span", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr", "blockquote", "pre", "code"],
  ...["b", "i", "em", "strong", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "kbd", "samp", "var"],
  ...["abbr", "cite", "q", "dfn", "ul", "ol", "li", "dl", "dt", "dd", "figure", "figcaption", "details"],
  ...["summary", "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"],
  ...["a", "img"],
];
/** SVG drawing elements (no script, style, foreignObject, image, use of external files, or animation). */
const SVG_TAGS = [
  ...["svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan"],
  ...["defs", "clipPath", "linearGradient", "radialGradient", "stop", "marker", "pattern", "mask", "use"],
];
const GLOBAL_ATTRIBUTES = [
  "class",
  "id",
  "title",
  "lang",
  "dir",
  "role",
  "style",
  "align",
  "valign",
  "aria-*",
];
const TABLE_ATTRIBUTES = ["colspan", "rowspan", "scope", "span", "width", "height", "start", "reversed"];
const SVG_ATTRIBUTES = [
  ...["xmlns", "xmlns:xlink", "version", "viewBox", "preserveAspectRatio", "x", "y", "x1", "y1", "x2", "y2"],
  ...["cx", "cy", "r", "rx", "ry", "d", "points", "transform", "fill", "fill-opacity", "fill-rule", "stroke"],
  ...["stroke-width", "stroke-opacity", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap"],
  ...["stroke-linejoin", "stroke-miterlimit", "opacity", "display", "visibility", "pointer-events"],
  ...[
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "dx",
    "dy",
  ],
  ...["offset", "stop-color", "stop-opacity", "clip-path", "clipPathUnits", "mask", "gradientUnits"],
  ...["gradientTransform", "patternUnits", "markerWidth", "markerHeight", "refX", "refY", "orient"],
  ...["marker-start", "marker-mid", "marker-end", "href", "xlink:href", "shape-rendering", "paint-order"],
  ...["vector-effect", "letter-spacing", "text-decoration"],
];

/** Both spellings: the HTML parser lower-cases names, the XML one (standalone SVG) keeps `clipPath`. */
const bothCases = (names: string[]) => [...new Set(names.flatMap((n) => [n, n.toLowerCase()]))];

/** Elements dropped with everything inside them (their content is code or would be parsed differently). */
const DROP_WITH_CONTENT = [
  ...["script", "style", "textarea", "option", "noscript", "template", "xmp", "noembed", "noframes"],
  ...["iframe", "object", "embed", "title", "math", "foreignObject", "foreignobject", "select", "svg:script"],
];

/** Where a link may go when clicked: http(s), mailto, a fragment, or a relative path (never `//host`). */
const NAVIGATION = /^(https?:\/\/|mailto:|#|\/(?![/\\])|\.{1,2}\/|[\w\-.~%]+([/?#]|$))/i;
/** The only images a page embeds: base64 data URIs of raster or SVG images. */
const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/;
/** A reference inside the same SVG (`url(#clip)`), the only `url(…)` an attribute may hold. */
const LOCAL_URL = /^\s*url\(\s*#[\w.:-]+\s*\)\s*(none)?\s*$/;
/** CSS that can load or run something: url(), image-set(), @import, expression(), bindings, escapes. */
const ACTIVE_CSS = /url|image-set|@import|expression|behavior|binding|javascript|\\|&|</i;

/** True when `value` holds a control character (how `jav\tascript:` hides from a scheme check). */
const hasControl = (value: string) =>
  [...value].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127);

function keepAttribute(tag: string, name: string, value: string): boolean {
  const n = name.toLowerCase();
  if (n.startsWith("on")) return false;
  if (n === "href" || n === "xlink:href") {
    if (hasControl(value)) return false;
    return tag === "a" ? NAVIGATION.test(value) : /^#[\w.:-]+$/.test(value);
  }
  if (n === "src")
    return (
      tag === "img" && !hasControl(value.replace(/\s+/g, "")) && DATA_IMAGE.test(value.replace(/\s+/g, ""))
    );
  if (n === "style") return !ACTIVE_CSS.test(value);
  if (/url\s*\(/i.test(value)) return LOCAL_URL.test(value);
  return true;
}

function filterAttributes(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const kept: sanitizeHtml.Attributes = {};
  for (const [name, value] of Object.entries(attribs)) {
    if (keepAttribute(tagName.toLowerCase(), name, value))
      kept[name] = name === "src" ? value.replace(/\s+/g, "") : value;
  }
  return { tagName, attribs: kept };
}

const ATTRIBUTES = [...GLOBAL_ATTRIBUTES, ...TABLE_ATTRIBUTES, ...bothCases(SVG_ATTRIBUTES)];

/** `allowedEmptyAttributes` is an option of sanitize-html 2.18 that its type declarations do not list yet. */
type Options = sanitizeHtml.IOptions & { allowedEmptyAttributes: string[] };

function options(xml: boolean): Options {
  return {
    allowedTags: xml ? SVG_TAGS : [...HTML_TAGS, ...bothCases(SVG_TAGS)],
    allowedAttributes: { "*": ATTRIBUTES, a: ["href", "name"], img: ["src", "alt"] },
    // An empty value is written as `=""` (XML has no bare attributes: vega writes `d=""`).
    allowedEmptyAttributes: [...ATTRIBUTES, "alt", "name"],
    nonBooleanAttributes: [],
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: { img: ["data"] },
    allowedSchemesAppliedToAttributes: ["href", "src", "xlink:href", "action", "formaction", "poster"],
    allowProtocolRelative: false,
    disallowedTagsMode: "discard",
    nonTextTags: DROP_WITH_CONTENT,
    parseStyleAttributes: false,
    transformTags: { "*": filterAttributes },
    ...(xml ? { parser: { xmlMode: true } } : {}),
  };
}

const HTML_OPTIONS = options(false);
const SVG_OPTIONS = options(true);

/**
 * An HTML fragment with only passive content left: see html.ts for the rule.
 * @example
 *   sanitizeFragment('<b onclick="x()">hi</b><script>x()</script>'); // "<b>hi</b>"
 */
export function sanitizeFragment(html: string): string {
  return sanitizeHtml(html, HTML_OPTIONS);
}

/**
 * A standalone SVG document (XML, case kept) with the same rule; the XML declaration and doctype go.
 * @example
 *   sanitizeSvg('<svg onload="x()"><rect width="1"/></svg>'); // '<svg><rect width="1"></rect></svg>'
 */
export function sanitizeSvg(svg: string): string {
  return sanitizeHtml(svg, SVG_OPTIONS);
}
