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

/**
 * The ports a kernel's sockets are taken from: below Linux's default ephemeral range (32768–60999), so that the
 * local end of an outgoing connection (which the OS takes from that range) cannot grab a port between the moment
 * it is found free here and the moment the kernel binds it (seen as EADDRINUSE when several kernels start at once).
 */
export const KERNEL_PORT_RANGE = { min: 20000, max: 32767 } as const;

/** Holds `port` on `host` open, or resolves null if it is taken. */
function hold(port: number, host: string): Promise<Server | null> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE" || err.code === "EACCES") resolve(null);
      else reject(err);
    });
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * `n` distinct free ports on `host`, drawn at random from {@link KERNEL_PORT_RANGE} (each held open until every
 * one is known, then released); where the range has too few free ports it asks the OS for any free port.
 */
export async function freePorts(n: number, host = "127.0.0.1"): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    const span = KERNEL_PORT_RANGE.max - KERNEL_PORT_RANGE.min + 1;
    for (let tries = 0; ports.length < n && tries < 50 * n; tries++) {
      const port = KERNEL_PORT_RANGE.min + Math.floor(Math.random() * span);
      if (ports.includes(port)) continue;
      const server = await hold(port, host);
      if (server === null) continue;
      servers.push(server);
      ports.push(port);
    }
    while (ports.length < n) {
      const server = await hold(0, host);
      const addr = server?.address();
      if (!server || !addr || typeof addr !== "object") throw new Error("could not get a free port");
      servers.push(server);
      ports.push(addr.port);
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
