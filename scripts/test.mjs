// `npm test`: build, typecheck, lint, format check, then every test file under node's test runner.
// Ends with one plain line `N passed, N failed` that CI counts.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const npx = (args) => ({ cmd: "npx", args: ["--no-install", ...args] });
const steps = [
  ["build", { cmd: process.execPath, args: ["scripts/build.mjs"] }],
  // Not `npx tsc`: tslab's own TypeScript 5.0 also installs a `tsc` bin and may win the .bin/ link.
  [
    "typecheck",
    {
      cmd: process.execPath,
      args: [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json", "--noEmit"],
    },
  ],
  ["lint", npx(["biome", "lint", "."])],
  ["format", npx(["biome", "format", "."])],
];
for (const [name, { cmd, args }] of steps) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  console.log(
    `[${name}] ${r.status === 0 ? "ok" : "FAILED"} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  if (r.status !== 0) {
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
}

mkdirSync(join(root, "out"), { recursive: true });
const tap = join(root, "out", "test-results.tap");
// Node 20's `--test` does not expand globs: list the test files here.
const testFiles = (dir) =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(`${dir}/${e.name}`) : e.name.endsWith(".test.ts") ? [`${dir}/${e.name}`] : [],
  );
const files = process.argv.slice(2);
const r = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    "--test-concurrency=2",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=tap",
    `--test-reporter-destination=${tap}`,
    ...(files.length > 0 ? files : testFiles("test").sort()),
  ],
  { cwd: root, stdio: "inherit" },
);
const text = readFileSync(tap, "utf8");
const count = (key) => Number(text.match(new RegExp(`^# ${key} (\\d+)$`, "m"))?.[1] ?? 0);
const passed = count("pass");
const failed = count("fail") + count("cancelled") + (r.status !== 0 && count("fail") === 0 ? 1 : 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
