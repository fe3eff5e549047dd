/** The HTML page's promise (html.ts header): hostile outputs and Markdown lose everything active; ordinary ones survive. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { toSvg } from "../../lib/plot/svg.js";
import { attentionHeatmap } from "../../lib/plot/index.js";
import { notebookToHtml, renderMimeBundle } from "../../lib/runner/html.js";
import { renderMarkdown } from "../../lib/runner/markdown.js";
import { codeCell, type Notebook } from "../../lib/runner/notebook.js";
import { sanitizeFragment, sanitizeSvg } from "../../lib/runner/sanitize.js";

/** Anything that runs, loads by itself, or leaves the page in the HTML that comes out. */
const ACTIVE = [
  /<script|<iframe|<object|<embed|<form|<input|<button|<meta|<base|<link|<style|<math|<image|<animate|<set\b/i,
  /<foreignobject|<noscript|<template/i,
  /\son[a-z]+\s*=/i,
  /javascript:|vbscript:|data:text/i,
  /srcset|formaction|\saction=|@import|url\((?!#)/i,
  /(src|xlink:href|poster|data)\s*=\s*["']?\s*(https?:)?\/\//i,
  /<(?!a\s)[a-z]+[^>]*\shref\s*=\s*["']?\s*(https?:)?\/\//i, // href that loads (not a clicked <a> link)
  /evil/i,
];

// [name, hostile snippet]: after sanitizing, none of ACTIVE may match.
const HOSTILE: [string, string][] = [
  ["script", "<script>alert(1)</script>"],
  ["script, upper case", "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>"],
  ["img onerror", "<img src=x onerror=alert(1)>"],
  ["img external src", '<img src="https://evil.example/pixel.png">'],
  ["img protocol-relative src", '<img src="//evil.example/pixel.png">'],
  ["srcset", '<img srcset="https://evil.example/a.png 1x" src="data:image/png;base64,AAAA">'],
  ["javascript: href", '<a href="javascript:alert(1)">x</a>'],
  ["javascript: href hidden by a tab entity", '<a href="jav&#x09;ascript:alert(1)">x</a>'],
  ["javascript: href in upper case", '<a href="JaVaScRiPt:alert(1)">x</a>'],
  ["data: href", '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>'],
  ["protocol-relative href", '<a href="//evil.example/">x</a>'],
  ["svg onload", "<svg onload=alert(1)><rect/></svg>"],
  ["svg script", "<svg><script>alert(1)</script></svg>"],
  ["svg use of an external file", '<svg><use href="https://evil.example/s.svg#a"/></svg>'],
  ["svg a javascript", '<svg><a xlink:href="javascript:alert(1)"><text>t</text></a></svg>'],
  ["svg image", '<svg><image href="https://evil.example/x.png"/></svg>'],
  ["svg animate to javascript", '<svg><a><animate attributeName="href" to="javascript:alert(1)"/></a></svg>'],
  ["svg set", '<svg><set attributeName="onmouseover" to="alert(1)"/></svg>'],
  [
    "svg foreignObject",
    "<svg><foreignObject><iframe src=https://evil.example></iframe></foreignObject></svg>",
  ],
  ["svg external url() fill", '<svg><rect fill="url(https://evil.example/#g)"/></svg>'],
  ["iframe", '<iframe src="https://evil.example"></iframe>'],
  ["iframe srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ["meta refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example">'],
  ["link stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">'],
  ["style @import", '<style>@import "https://evil.example/x.css";</style>'],
  ["style element url()", "<style>body { background: url(https://evil.example/x.png) }</style>"],
  ["style attribute url()", '<div style="background-image: url(https://evil.example/x.png)">d</div>'],
  ["style attribute escaped url", '<div style="background: u\\72l(https://evil.example/x.png)">d</div>'],
  ["style attribute entity url", '<div style="background: &#117;rl(https://evil.example/x.png)">d</div>'],
  ["style attribute expression", '<div style="width: expression(alert(1))">d</div>'],
  ["base href", '<base href="https://evil.example/">'],
  ["object", '<object data="https://evil.example/x.swf"></object>'],
  ["embed", '<embed src="https://evil.example/x.swf">'],
  ["form action", '<form action="https://evil.example"><input name="q"><button>go</button></form>'],
  ["button formaction", '<button formaction="https://evil.example">b</button>'],
  ["video poster", '<video poster="https://evil.example/p.png"></video>'],
  ["audio src", '<audio src="https://evil.example/a.mp3" autoplay></audio>'],
  ["math mglyph style mXSS", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"],
  ["math href", '<math href="javascript:alert(1)"><mi>x</mi></math>'],
  [
    "math maction",
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
  ],
  ["noscript breakout", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'],
  ["template", "<template><img src=x onerror=alert(1)></template>"],
  ["comment breakout", "<!--><img src=x onerror=alert(1)>-->"],
  ["unclosed attribute", '<div class="a><img src=x onerror=alert(1)>'],
  ["details ontoggle", "<details open ontoggle=alert(1)><summary>s</summary></details>"],
];

test(`hostile text/html outputs lose everything active (${HOSTILE.length} snippets)`, () => {
  for (const [name, snippet] of HOSTILE) {
    const html = renderMimeBundle({ "text/html": snippet, "text/plain": "x" });
    for (const pattern of ACTIVE) assert.doesNotMatch(html, pattern, `${name}: ${html}`);
  }
});

test("hostile image/svg+xml outputs lose scripts, handlers and external references (case kept)", () => {
  const svg = sanitizeSvg(
    '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4" onLoad="alert(1)">' +
      '<script>alert(1)</script><use href="https://evil.example/x.svg#a"/><image href="https://evil.example/i.png"/>' +
      '<a href="javascript:alert(1)"><text>t</text></a><defs><clipPath id="c"><rect width="2" height="2"/></clipPath>' +
      '</defs><rect clip-path="url(#c)" fill="url(https://evil.example/#g)" width="4" height="4"/></svg>',
  );
  for (const pattern of ACTIVE) assert.doesNotMatch(svg, pattern, svg);
  assert.match(svg, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 4 4">/);
  assert.match(svg, /<clipPath id="c">.*<rect clip-path="url\(#c\)" width="4" height="4">/);
  const page = renderMimeBundle({ "image/svg+xml": '<svg onload="alert(1)"><rect/></svg>' });
  const embedded = Buffer.from(page.split("base64,")[1]!.split('"')[0]!, "base64").toString();
  assert.equal(embedded, "<svg><rect></rect></svg>");
});

test("hostile Markdown cells and text/markdown outputs stay inert", () => {
  const markdown = [
    "[click](javascript:alert(1)) [data](data:text/html,x) [proto](//evil.example) ![i](https://evil.example/p.png)",
    '<img src=x onerror=alert(1)> <script>alert(1)</script> <a href="https://evil.example">raw</a>',
    "[ok](https://example.org/page)",
  ].join("\n\n");
  for (const html of [renderMarkdown(markdown), renderMimeBundle({ "text/markdown": markdown })]) {
    const withoutTheImageLink = html.replace('<a href="https://evil.example/p.png">[image: i]</a>', "");
    for (const pattern of ACTIVE.slice(0, -1))
      assert.doesNotMatch(withoutTheImageLink.replace(/&lt;.*?&gt;/g, ""), pattern, html);
    assert.match(html, /<a href="https:\/\/example.org\/page">ok<\/a>/, "plain navigation links stay");
    assert.match(
      html,
      /<a href="https:\/\/evil.example\/p.png">\[image: i\]<\/a>/,
      "an external image is a link",
    );
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/, "raw HTML in Markdown is text");
  }
});

test("ordinary outputs survive: a pandas-like table, pre, b/i/code, headings, classes, data: images, a chart", async () => {
  const table =
    '<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th></th><th>score</th></tr></thead>' +
    '<tbody><tr><th>0</th><td style="text-align:right">0.25</td></tr></tbody></table>';
  assert.equal(sanitizeFragment(table), table.replace(' border="1"', ""));
  const text =
    '<h2>Heads</h2><pre>q · k</pre><b>b</b> <i>i</i> <code>x &lt; y</code><span class="k">s</span>';
  assert.equal(sanitizeFragment(text), text);
  const image = '<img alt="w" src="data:image/png;base64,iVBORw0KGgo=">';
  assert.equal(sanitizeFragment(image), '<img alt="w" src="data:image/png;base64,iVBORw0KGgo=" />');
  const chart = await toSvg(
    attentionHeatmap(
      [
        [0.7, 0.3],
        [0.2, 0.8],
      ],
      { rowLabels: ["a", "b"], colLabels: ["c", "d"] },
    ),
  );
  // The only change: empty elements are closed explicitly.
  const same = sanitizeSvg(chart).replace(/<(\w+)([^<>]*)><\/\1>/g, "<$1$2/>") === chart;
  assert.ok(same, "the kit's SVG comes through unchanged");
  const inline = sanitizeFragment(chart);
  assert.equal(
    (inline.match(/<path/g) ?? []).length,
    (chart.match(/<path/g) ?? []).length,
    "inline SVG keeps its marks",
  );
  assert.match(inline, /<linearGradient id="[\w-]+"/);
  const nb: Notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [codeCell("1")] };
  assert.match(
    notebookToHtml(nb, "t", { source: "../a b.ipynb" }),
    /<meta name="attnlab-source" content="..\/a b.ipynb">/,
  );
});
