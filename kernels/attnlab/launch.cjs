#!/usr/bin/env node
// Jupyter kernel launcher: starts the tslab pinned by the attnlab package, `node launch.cjs <connection file>`.
"use strict";
// First, before any module is loaded: stack frames in attnlab's dist/ point at lib/**/*.ts.
process.setSourceMapsEnabled(true);
const fs = require("node:fs");
const path = require("node:path");
const { nameCells, withTypescriptMaps } = require("./cellMaps.cjs");
const { armInterrupts } = require("./interrupts.cjs");
const { watchRunner } = require("./runnerWatch.cjs");
const { serializeShellMessages } = require("./shellQueue.cjs");
const { installStackFormatter } = require("./stacks.cjs");
const { serializeZmqSends } = require("./zmqSends.cjs");

function isAttnlab(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name === "attnlab";
  } catch {
    return false;
  }
}

// Where the attnlab package is: recorded by `attnlab kernel install` in an installed copy; else this
// committed spec's own package (<package>/kernels/attnlab/, symlinks resolved); else the attnlab that
// the notebook's folder resolves.
function packageDir() {
  const recorded = path.join(__dirname, "attnlab-location.json");
  if (fs.existsSync(recorded)) {
    return JSON.parse(fs.readFileSync(recorded, "utf8")).packageDir;
  }
  const own = path.resolve(__dirname, "..", "..");
  if (isAttnlab(own)) return own;
  try {
    return path.dirname(require.resolve("attnlab/package.json", { paths: [process.cwd()] }));
  } catch {
    process.stderr.write(
      "attnlab kernel: cannot find the attnlab package; register the kernel with `npx attnlab kernel install`.\n",
    );
    process.exit(1);
  }
}

function main(argv) {
  const args = argv.filter((a) => a !== "--config-path");
  const configPath = args[0];
  if (!configPath || args.length !== 1) {
    process.stderr.write("usage: node launch.cjs <connection file>\n");
    process.exit(2);
  }
  const pkgDir = packageDir();
  let tslabMain;
  try {
    tslabMain = require.resolve("tslab/dist/main.js", { paths: [pkgDir] });
  } catch {
    process.stderr.write(`attnlab kernel: cannot find tslab from ${pkgDir}; run \`npm ci\` there.\n`);
    process.exit(1);
  }
  const tslabVersion = JSON.parse(
    fs.readFileSync(path.join(path.dirname(tslabMain), "..", "package.json"), "utf8"),
  ).version;
  const pinned = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")).dependencies?.tslab;
  if (pinned && pinned !== tslabVersion) {
    process.stderr.write(`attnlab kernel: warning: tslab ${tslabVersion} found, attnlab pins ${pinned}\n`);
  }
  const tslabDist = path.dirname(tslabMain);
  const tslabRoot = path.dirname(tslabDist) + path.sep;
  watchRunner(configPath);
  serializeZmqSends(tslabDist);
  const { startKernel } = withTypescriptMaps(tslabRoot, () => require(tslabMain));
  const jupyter = require(path.join(tslabDist, "jupyter.js"));
  serializeShellMessages(tslabDist);
  const takeOverSigint = armInterrupts(jupyter);
  nameCells(jupyter);
  installStackFormatter({
    packageDir: fs.realpathSync(pkgDir), // stack frames carry real paths
    tslabDir: tslabRoot,
    launcherDir: fs.realpathSync(__dirname),
    cwd: process.cwd(),
  });
  const before = new Set(process.listeners("SIGINT"));
  // In-process start (no child), so that SIGINT from Jupyter reaches the interrupt handler (interrupts.cjs).
  startKernel({
    configPath: path.resolve(configPath),
    enableFindLocal: false,
    jsKernel: false,
    globalVersion: tslabVersion,
  });
  takeOverSigint(process.listeners("SIGINT").filter((l) => !before.has(l)));
}

main(process.argv.slice(2));
