/** The texts vega wrote in an SVG for a group role, e.g. "role-axis-label", "role-legend-label". */
export function svgTexts(svg: string, role: string): string[] {
  const out: string[] = [];
  for (const group of svg.split(`class="mark-text ${role}"`).slice(1)) {
    const body = group.slice(0, group.indexOf("</g>"));
    for (const m of body.matchAll(/<text[^>]*>([^<]*)<\/text>/g)) out.push(m[1]!);
  }
  return out;
}
