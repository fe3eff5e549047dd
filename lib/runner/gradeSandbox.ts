// `attnlab grade`, the isolation of one submission: its own temp folder (the kernel's working folder, the
// only place it may write) and Node's permission model for the kernel process. What it does not isolate:
// docs/grading.md.
// Follows: Node's permission model (--permission, --allow-fs-read, --allow-fs-write, --allow-addons).
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../io/packageRoot.js";

/**
 * One submission's folders: `root/node_modules` links to the package's (so `import "attnlab"` resolves),
 * `root/work` holds the notebook and is the kernel's working folder, `root/tmp` its TMPDIR (and the runner's
 * connection folder).
 */
export interface Sandbox {
  root: string;
  work: string;
  tmp: string;
}

/** Makes a fresh sandbox under the system temp folder (mkdtemp), never beside the submission. */
export function makeSandbox(): Sandbox {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "attnlab-grade-")));
  const sandbox = { root, work: join(root, "work"), tmp: join(root, "tmp") };
  mkdirSync(sandbox.work);
  mkdirSync(sandbox.tmp);
  symlinkSync(join(packageRoot(), "node_modules"), join(root, "node_modules"), "dir");
  return sandbox;
}

export function removeSandbox(sandbox: Sandbox): void {
  rmSync(sandbox.root, { recursive: true, force: true });
}

/** The permission flag this Node spells (`--permission` from Node 22, `--experimental-permission` in 20). */
export function permissionFlag(): string | null {
  const flags = process.allowedNodeEnvironmentFlags;
  if (flags.has("--permission")) return "--permission";
  if (flags.has("--experimental-permission") && flags.has("--allow-addons"))
    return "--experimental-permission";
  return null;
}

function quoted(path: string): string {
  // NODE_OPTIONS reads "..." as one argument; a comma would split an --allow-fs-* list.
  if (/[",\\\n]/.test(path)) {
    throw new RangeError(`attnlab grade: cannot sandbox a kernel with the path ${JSON.stringify(path)}`);
  }
  return `"${path}"`;
}

/**
 * The NODE_OPTIONS for the kernel: read the package and the sandbox, write only `work` and `tmp`; native
 * addons allowed (tslab's ZeroMQ binding needs them); no child processes, no workers. Null when this Node has
 * no permission model.
 */
export function kernelNodeOptions(sandbox: Sandbox): string | null {
  const flag = permissionFlag();
  if (flag === null) return null;
  const pkg = packageRoot();
  const reads = [...new Set([pkg, realpathSync(pkg), sandbox.root])];
  // zeromq's loader looks for this file to tell musl from glibc; without read access it cannot load.
  if (process.platform === "linux") reads.push("/etc/alpine-release");
  return [
    flag,
    "--allow-addons",
    ...reads.map((p) => `--allow-fs-read=${quoted(p)}`),
    ...[sandbox.work, sandbox.tmp].map((p) => `--allow-fs-write=${quoted(p)}`),
  ].join(" ");
}

const KERNEL_ENV = ["NODE_OPTIONS", "TMPDIR", "ATTNLAB_RECORDS_DIR"] as const;

/**
 * Runs `fn` with the environment the kernel inherits (the runner spawns it with `process.env`) set for the
 * sandbox: NODE_OPTIONS (the permission flags, after any the user set), TMPDIR, and ATTNLAB_RECORDS_DIR in
 * `work`, so no record lands in the package. The previous values are put back afterwards. `fn` must not
 * overlap another call (submissions are graded one at a time).
 */
export async function withKernelEnv<T>(
  sandbox: Sandbox,
  nodeOptions: string | null,
  fn: () => Promise<T>,
): Promise<T> {
  const saved = KERNEL_ENV.map((name) => [name, process.env[name]] as const);
  const user = process.env.NODE_OPTIONS?.trim();
  if (nodeOptions !== null) process.env.NODE_OPTIONS = user ? `${user} ${nodeOptions}` : nodeOptions;
  process.env.TMPDIR = sandbox.tmp;
  process.env.ATTNLAB_RECORDS_DIR = join(sandbox.work, "records");
  try {
    return await fn();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
