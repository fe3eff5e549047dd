// The kernel connection file (five free TCP ports on localhost, a random HMAC key, written owner-only) and the
// temp folder that holds it, which records its owner so a folder left by a killed runner can be cleaned later.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ConnectionInfo {
  transport: "tcp";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name: string;
}

/** Asks the OS for `n` distinct free ports (all held open until every one is known, then released). */
export async function freePorts(n: number, host = "127.0.0.1"): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const server = createServer();
      servers.push(server);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          server.once("error", reject);
          server.listen(0, host, () => {
            const addr = server.address();
            if (addr && typeof addr === "object") resolve(addr.port);
            else reject(new Error("could not get a free port"));
          });
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** A fresh connection description for one kernel. */
export async function newConnection(kernelName: string): Promise<ConnectionInfo> {
  const ip = "127.0.0.1";
  const [shell, iopub, stdin, control, hb] = await freePorts(5, ip);
  return {
    transport: "tcp",
    ip,
    shell_port: shell!,
    iopub_port: iopub!,
    stdin_port: stdin!,
    control_port: control!,
    hb_port: hb!,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    kernel_name: kernelName,
  };
}

export function writeConnectionFile(path: string, info: ConnectionInfo): void {
  writeFileSync(path, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
}

export function address(info: ConnectionInfo, port: number): string {
  return `${info.transport}://${info.ip}:${port}`;
}

/** The prefix of every connection folder in the temp folder. */
export const CONNECTION_DIR_PREFIX = "attnlab-kernel-";
const CONNECTION_FILE = "connection.json";
const OWNER_FILE = "owner.json";

/** A fresh owner-only temp folder for one kernel's connection file; returns the folder and the file's path. */
export function makeConnectionDir(parent: string = tmpdir()): { dir: string; file: string } {
  const dir = mkdtempSync(join(parent, CONNECTION_DIR_PREFIX));
  writeFileSync(join(dir, OWNER_FILE), `${JSON.stringify({ runnerPid: process.pid })}\n`, {
    mode: 0o600,
    flag: "wx",
  });
  return { dir, file: join(dir, CONNECTION_FILE) };
}

/**
 * Removes a connection folder: the files written there, then the folder if that emptied it (never recursive);
 * true when the folder is gone.
 */
export function removeConnectionDir(dir: string): boolean {
  for (const name of [CONNECTION_FILE, OWNER_FILE]) {
    try {
      unlinkSync(join(dir, name));
    } catch {}
  }
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Removes the connection folders in `parent` whose runner is dead (a runner killed with SIGKILL, whose kernel
 * could not clean up either); returns the folders removed. Folders without a readable owner are left alone.
 */
export function removeStaleConnectionDirs(parent: string = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent).filter((n) => n.startsWith(CONNECTION_DIR_PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = join(parent, name);
    let owner: unknown;
    try {
      owner = JSON.parse(readFileSync(join(dir, OWNER_FILE), "utf8"));
    } catch {
      continue;
    }
    const pid = (owner as { runnerPid?: unknown }).runnerPid;
    if (!Number.isInteger(pid) || (pid as number) <= 1 || alive(pid as number)) continue;
    if (removeConnectionDir(dir)) removed.push(dir);
  }
  return removed;
}
