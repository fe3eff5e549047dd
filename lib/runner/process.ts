// The kernel's OS process: started in its own process group, its exit and own stderr recorded, killed as a group.
import { type ChildProcess, spawn } from "node:child_process";

export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function describeExit(exit: KernelExit): string {
  return exit.signal ? `kernel died (signal ${exit.signal})` : `kernel died (exit code ${exit.code})`;
}

const live = new Set<KernelProcess>();
process.once("exit", () => {
  for (const p of live) p.kill();
});

export class KernelProcess {
  exitInfo: KernelExit | null = null;
  readonly exited: Promise<KernelExit>;
  private readonly child: ChildProcess;
  private stderrBuf = "";

  /** Spawns `argv` in `cwd` with `extraEnv` added; stdout is drained, the last 64 KiB of stderr kept. */
  constructor(argv: string[], cwd: string, extraEnv: Record<string, string> = {}) {
    const env = { ...process.env, ...extraEnv };
    delete env.NODE_TEST_CONTEXT;
    const [cmd, ...args] = argv;
    this.child = spawn(cmd!, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    live.add(this);
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        live.delete(this);
        this.exitInfo ??= { code, signal };
        resolve(this.exitInfo);
      };
      this.child.once("exit", done);
      this.child.once("error", (err) => {
        this.stderrBuf += `${err.message}\n`;
        done(null, null);
      });
    });
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.stderrBuf = (this.stderrBuf + chunk.toString("utf8")).slice(-64 * 1024);
    });
    this.child.stdout?.on("data", () => {});
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What the process wrote to its own stderr (tslab sends cell output to iopub instead). */
  stderrText(): string {
    return this.stderrBuf;
  }

  /** SIGINT, which tslab turns into an interrupt of the running cell. */
  interrupt(): void {
    if (!this.exitInfo) this.child.kill("SIGINT");
  }

  /** SIGKILL to the whole process group (whatever the cell started dies with it). */
  kill(): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exitInfo) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      this.child.kill("SIGKILL");
    }
  }
}
