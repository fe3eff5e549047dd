/**
 * A kill -9 of the runner (`attnlab run`), which runs no exit handler, must not orphan its kernel: the kernel
 * watches its runner, dies within a few seconds, and removes the runner's connection folder
 * (attnlab-kernel-*). Also: folders left by dead runners are cleaned by the next runner. Linux (/proc) only for
 * the kill -9 case. Needs dist/ (hold /tmp/attnlab-dist.lock).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { after, test } from "node:test";
import {
  CONNECTION_DIR_PREFIX,
  makeConnectionDir,
  removeStaleConnectionDirs,
} from "../../lib/runner/connection.js";
import { fixtures, runCli, waitForFile } from "./helpers.js";

const out = mkdtempSync(join(tmpdir(), "attnlab-orphan-test-"));
after(() => rmSync(out, { recursive: true, force: true }));

/** True once `pid` is no running process (gone, or a zombie waiting for its reaper). */
function dead(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

test("kill -9 of `attnlab run` ends its kernel within seconds and leaves no attnlab-kernel-* folder", {
  skip: process.platform !== "linux" && "reads /proc",
}, async () => {
  const pidFile = join(out, "kernel.pid");
  let kernelPid = 0;
  let connectionDir = "";
  const r = await runCli(
    ["run", join(fixtures, "sleeper.ipynb"), "-o", join(out, "nb"), "-p", "pidFile", pidFile],
    async (child) => {
      kernelPid = Number(await waitForFile(pidFile, 120_000));
      const argv = readFileSync(`/proc/${kernelPid}/cmdline`, "utf8").split("\0").filter(Boolean);
      connectionDir = dirname(argv[argv.length - 1]!);
      child.kill("SIGKILL");
    },
  );
  assert.equal(r.signal, "SIGKILL");
  assert.ok(basename(connectionDir).startsWith(CONNECTION_DIR_PREFIX), connectionDir);
  const killedAt = Date.now();
  while (!dead(kernelPid) && Date.now() - killedAt < 5000) await new Promise((res) => setTimeout(res, 100));
  assert.ok(dead(kernelPid), `the kernel (pid ${kernelPid}) still runs 5 s after its runner was killed`);
  assert.ok(!existsSync(connectionDir), `${connectionDir} was left behind`);
});

test("a runner removes connection folders whose runner is dead, and nothing else", () => {
  const parent = mkdtempSync(join(out, "tmp-"));
  const stale = join(parent, `${CONNECTION_DIR_PREFIX}stale`);
  mkdirSync(stale);
  writeFileSync(join(stale, "connection.json"), "{}");
  writeFileSync(join(stale, "owner.json"), JSON.stringify({ runnerPid: 2 ** 22 + 12345 })); // no such pid
  const live = makeConnectionDir(parent).dir; // owned by this (live) process
  const foreign = join(parent, `${CONNECTION_DIR_PREFIX}foreign`); // no owner file: not ours to judge
  mkdirSync(foreign);
  const withExtra = join(parent, `${CONNECTION_DIR_PREFIX}extra`);
  mkdirSync(withExtra);
  writeFileSync(join(withExtra, "owner.json"), JSON.stringify({ runnerPid: 2 ** 22 + 12346 }));
  writeFileSync(join(withExtra, "notes.txt"), "a file the runner did not write");
  assert.deepEqual(removeStaleConnectionDirs(parent), [stale]);
  assert.ok(!existsSync(stale), "the stale folder is gone");
  assert.ok(existsSync(live) && existsSync(foreign), "live and unowned folders stay");
  assert.ok(existsSync(join(withExtra, "notes.txt")), "files the runner did not write are never deleted");
});
