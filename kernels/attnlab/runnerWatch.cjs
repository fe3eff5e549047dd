// Launcher: a kernel started by the attnlab runner dies with it, and removes the connection folder it was given.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/** How often the runner is looked for. */
const POLL_MS = 500;

// The runner (lib/runner/kernel.ts) starts the kernel in its own process group, so a `kill -9` of the runner
// (which runs no exit handler) used to leave the kernel training on, writing a record, with the runner's
// temp folder left behind. The runner passes its pid in ATTNLAB_RUNNER_PID and its temp folder in
// ATTNLAB_KERNEL_TMPDIR; without them (a kernel Jupyter started) nothing here runs. The runner is gone when the
// kernel's parent changes away from it or when no process has its pid any more.

function runnerGone(runnerPid, firstParent) {
  if (firstParent === runnerPid && process.ppid !== runnerPid) return true;
  try {
    process.kill(runnerPid, 0);
    return false;
  } catch (err) {
    return err.code === "ESRCH";
  }
}

/** Removes the runner's connection folder: the two files it writes there, then the folder if that emptied it. */
function removeConnectionFolder(configPath, tmpDir) {
  const dir = path.dirname(path.resolve(configPath));
  if (!tmpDir || path.resolve(tmpDir) !== dir || !path.basename(dir).startsWith("attnlab-kernel-")) return;
  for (const name of [path.basename(configPath), "owner.json"]) {
    try {
      fs.unlinkSync(path.join(dir, name));
    } catch {}
  }
  try {
    fs.rmdirSync(dir);
  } catch {}
}

/** Ends this kernel and whatever its cells started (its process group, when it leads one). */
function die() {
  try {
    process.kill(-process.pid, "SIGKILL");
  } catch {}
  process.exit(137);
}

/** Starts watching the runner named in the environment, if any (and hides it from what the cells start). */
function watchRunner(configPath) {
  const runnerPid = Number(process.env.ATTNLAB_RUNNER_PID);
  const tmpDir = process.env.ATTNLAB_KERNEL_TMPDIR;
  delete process.env.ATTNLAB_RUNNER_PID;
  delete process.env.ATTNLAB_KERNEL_TMPDIR;
  if (!Number.isInteger(runnerPid) || runnerPid <= 1) return;
  const firstParent = process.ppid;
  const timer = setInterval(() => {
    if (!runnerGone(runnerPid, firstParent)) return;
    clearInterval(timer);
    removeConnectionFolder(configPath, tmpDir);
    die();
  }, POLL_MS);
  timer.unref();
}

module.exports = { watchRunner, removeConnectionFolder };
