#!/usr/bin/env node
// Mines datasets/tang-quatrains/ from an unpacked copy of the npm package `chinese-poetry` (MIT, ~85 MB, not a
// dependency of attnlab): every five-character quatrain (五言絕句: 4 lines × 5 characters, punctuated ，。，。)
// of the Complete Tang Poems (全唐詩, dist/quantangshi/poet.tang.<n>.json), in a fixed order, without repeats,
// one poem per line in poems.txt; then README.md (source, selection, counts, licence, sha256) and LICENSE.
//
//   npm pack chinese-poetry@2.0.1 && tar xzf chinese-poetry-2.0.1.tgz   # gives ./package
//   node scripts/datasets/tang-quatrains.mjs package
//
// `--check` writes nothing and exits 1 when a committed file differs from what the package gives.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const PACKAGE = "chinese-poetry";
const VERSION = "2.0.1";
const USAGE = "usage: node scripts/datasets/tang-quatrains.mjs <unpacked chinese-poetry folder> [--check]";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..", "..");
const outDir = join(root, "datasets", "tang-quatrains");

/** The `poet.tang.<n>.json` files of dist/quantangshi, by increasing n. */
function tangFiles(pkg) {
  const dir = join(pkg, "dist", "quantangshi");
  if (!existsSync(dir))
    throw new Error(`tang-quatrains: ${dir} does not exist; is ${pkg} an unpacked ${PACKAGE}?`);
  const offset = (f) => Number(f.split(".")[2]);
  return readdirSync(dir)
    .filter((f) => /^poet\.tang\.\d+\.json$/.test(f))
    .sort((a, b) => offset(a) - offset(b))
    .map((f) => join(dir, f));
}

/** The poem's text as four lines when it is a five-character quatrain ，。，。 of Han characters only. */
const QUATRAIN = /^(\p{Script=Han}{5})，(\p{Script=Han}{5})。(\p{Script=Han}{5})，(\p{Script=Han}{5})。$/u;

/** Every quatrain in file order, the first copy of each text kept; counts of what was read and dropped. */
export function mineQuatrains(pkg) {
  const files = tangFiles(pkg);
  const seen = new Set();
  const poems = [];
  let read = 0;
  let repeats = 0;
  for (const file of files) {
    for (const poem of JSON.parse(readFileSync(file, "utf8"))) {
      read++;
      const body = poem.paragraphs.join("");
      if (!QUATRAIN.test(body)) continue;
      if (seen.has(body)) {
        repeats++;
        continue;
      }
      seen.add(body);
      poems.push({ body, author: poem.author });
    }
  }
  return { files: files.length, read, repeats, poems };
}

function packageInfo(pkg) {
  const file = join(pkg, "package.json");
  if (!existsSync(file)) throw new Error(`tang-quatrains: no package.json in ${pkg}`);
  const info = JSON.parse(readFileSync(file, "utf8"));
  if (info.name !== PACKAGE || info.version !== VERSION)
    throw new Error(`tang-quatrains: ${pkg} is ${info.name}@${info.version}, expected ${PACKAGE}@${VERSION}`);
  return info;
}

const fmt = (n) => n.toLocaleString("en-US");

function readme({ mined, text, sha256, license }) {
  const chars = Array.from(text);
  const vocab = new Set(chars).size;
  const authors = new Set(mined.poems.map((p) => p.author)).size;
  const copyright = license.split("\n").find((l) => l.startsWith("Copyright")) ?? "";
  return `# tang-quatrains: five-character quatrains of the Complete Tang Poems

- **Source:** the npm package [\`${PACKAGE}\`](https://www.npmjs.com/package/${PACKAGE}) **version ${VERSION}**
  (MIT), files \`dist/quantangshi/poet.tang.<n>.json\`: the Complete Tang Poems (全唐詩) in traditional
  characters, ${fmt(mined.files)} files, ${fmt(mined.read)} poems. The package (~85 MB) is not a dependency
  of attnlab: \`scripts/datasets/tang-quatrains.mjs\` mined this subset from it once, and nothing is
  downloaded at run time.
- **Licence:** MIT, ${copyright} (the package's licence, copied verbatim to \`LICENSE\` here).
- **Selection:** a poem is kept when its paragraphs, joined, are exactly four lines of five Han characters
  (Unicode script Han, so no \`□\` for a lost character) punctuated \`，。，。\`: a five-character quatrain
  (五言絕句). The files are read in increasing \`<n>\`, the poems in file order; a text that already occurred
  (the same poem under two authors) is kept once, at its first occurrence (${fmt(mined.repeats)}
  repeats dropped). Titles and authors are not kept.
- **Format:** \`poems.txt\`, UTF-8, one poem per line: \`20 characters + ，。，。 + \\n\` = 25 characters, e.g.
  \`${mined.poems[0].body}\`.
- **Counts:** ${fmt(mined.poems.length)} poems by ${fmt(authors)} authors; ${fmt(chars.length)} characters
  (${fmt(Buffer.byteLength(text))} bytes); ${fmt(vocab)} distinct characters, \`，\`, \`。\` and the newline
  included.
- **Use:** \`loadCharCorpus("tang-quatrains")\` (\`lib/cases/charGpt/data.ts\`) reads the file and checks its
  sha256; \`splitCharCorpus\` splits it by whole poems: k = round(P · f) of the P poems, spread evenly through
  the file (poem i when ⌊(i + 1)·k/P⌋ > ⌊i·k/P⌋), are validation, the rest training, both in file order;
  at the default f = 0.1 that is ${fmt(Math.round(mined.poems.length * 0.1))} validation and ${fmt(mined.poems.length - Math.round(mined.poems.length * 0.1))} training poems.
- **Regenerate:**
  \`npm pack ${PACKAGE}@${VERSION} && tar xzf ${PACKAGE}-${VERSION}.tgz && node scripts/datasets/tang-quatrains.mjs package\`
  (add \`--check\` to compare with the committed files instead of writing them).
- sha256 of poems.txt: ${sha256}
`;
}

function main(args) {
  const check = args.includes("--check");
  const rest = args.filter((a) => a !== "--check");
  if (rest.length !== 1 || rest[0].startsWith("-")) {
    console.error(USAGE);
    process.exit(2);
  }
  const pkg = resolve(rest[0]);
  packageInfo(pkg);
  const mined = mineQuatrains(pkg);
  const text = mined.poems.map((p) => `${p.body}\n`).join("");
  const sha256 = createHash("sha256").update(text, "utf8").digest("hex");
  const license = readFileSync(join(pkg, "LICENSE"), "utf8");
  const files = {
    "poems.txt": text,
    "README.md": readme({ mined, text, sha256, license }),
    LICENSE: license,
  };
  if (check) {
    const stale = Object.keys(files).filter((f) => {
      const path = join(outDir, f);
      return !existsSync(path) || readFileSync(path, "utf8") !== files[f];
    });
    if (stale.length > 0) {
      console.error(`tang-quatrains: stale or missing in datasets/tang-quatrains: ${stale.join(", ")}`);
      process.exit(1);
    }
    console.log(`tang-quatrains: up to date (${mined.poems.length} poems, sha256 ${sha256})`);
    return;
  }
  mkdirSync(outDir, { recursive: true });
  for (const [f, content] of Object.entries(files)) writeFileSync(join(outDir, f), content);
  console.log(
    `tang-quatrains: wrote ${mined.poems.length} poems to datasets/tang-quatrains (sha256 ${sha256})`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main(process.argv.slice(2));
}
