// A client for one tslab kernel started from the attnlab spec: ZeroMQ sockets, readiness, execute, shutdown.
import { Dealer, Request, Subscriber } from "zeromq";
import {
  address,
  makeConnectionDir,
  newConnection,
  removeConnectionDir,
  removeStaleConnectionDirs,
  writeConnectionFile,
} from "./connection.js";
import { KERNEL_NAME, kernelCommand } from "./kernelspec.js";
import { describeExit, type KernelExit, KernelProcess } from "./process.js";
import { sleep, within } from "./timing.js";
import { type Message, Wire } from "./wire.js";

/** How long to wait for the iopub idle status after an execute_reply before going on without it. */
const IDLE_GRACE_MS = 5000;

export type ExecuteOutcome =
  | { status: "ok" | "error" | "abort"; executionCount: number | null; reply: Message }
  | { status: "timeout"; interrupted: boolean; executionCount?: number | null }
  | { status: "died"; exit: KernelExit };

export interface StartOptions {
  /** The kernel's working folder (the notebook's folder, as Jupyter does). */
  cwd: string;
  startTimeoutMs: number;
  /** A spec folder other than the committed one. */
  specDir?: string;
}

export class Kernel {
  /** Every iopub message, in arrival order. */
  onIopub: (msg: Message) => void = () => {};
  kernelInfo: Record<string, unknown> = {};
  private readonly pending = new Map<string, (msg: Message) => void>();
  private readonly idleWaiters = new Map<string, () => void>();
  private readonly sendChains = new Map<Dealer, Promise<unknown>>();
  private readonly shell = new Dealer({ linger: 0 });
  private readonly control = new Dealer({ linger: 0 });
  private readonly stdin = new Dealer({ linger: 0 });
  private readonly iopub = new Subscriber({ linger: 0 });
  private closed = false;

  private constructor(
    private readonly proc: KernelProcess,
    private readonly wire: Wire,
    private readonly hbAddress: string,
    private readonly tmp: string,
  ) {}

  get exited(): Promise<KernelExit> {
    return this.proc.exited;
  }

  get exitInfo(): KernelExit | null {
    return this.proc.exitInfo;
  }

  /** Starts the kernel, connects, and waits for kernel_info_reply and an iopub status message. */
  static async start(options: StartOptions): Promise<Kernel> {
    const conn = await newConnection(KERNEL_NAME);
    removeStaleConnectionDirs();
    const { dir: tmp, file } = makeConnectionDir();
    writeConnectionFile(file, conn);
    // The kernel watches this process and exits with it, removing `tmp`, even after a kill -9 of this runner.
    const proc = new KernelProcess(kernelCommand(file, options.specDir), options.cwd, {
      ATTNLAB_RUNNER_PID: String(process.pid),
      ATTNLAB_KERNEL_TMPDIR: tmp,
    });
    const kernel = new Kernel(proc, new Wire(conn.key), address(conn, conn.hb_port), tmp);
    kernel.shell.connect(address(conn, conn.shell_port));
    kernel.control.connect(address(conn, conn.control_port));
    kernel.stdin.connect(address(conn, conn.stdin_port));
    kernel.iopub.connect(address(conn, conn.iopub_port));
    kernel.iopub.subscribe();
    kernel.listen(kernel.shell);
    kernel.listen(kernel.control);
    kernel.listen(kernel.iopub);
    try {
      await kernel.waitReady(options.startTimeoutMs);
    } catch (err) {
      await kernel.shutdown(0);
      const stderr = kernel.stderrText().trim();
      throw new Error(`${(err as Error).message}${stderr ? `\n${stderr}` : ""}`);
    }
    return kernel;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** What the kernel process wrote to its own stderr (outside of cell execution). */
  stderrText(): string {
    return this.proc.stderrText();
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let iopubSeen = false;
    this.onIopub = (msg) => {
      if (msg.header.msg_type === "status") iopubSeen = true;
    };
    let info: Message | null = null;
    while (!(info && iopubSeen)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`kernel did not start within ${timeoutMs / 1000} s`);
      const { reply } = this.request(this.shell, "kernel_info_request", {});
      const got = await within<Message | KernelExit>(Math.min(info ? 200 : 1000, left), reply, this.exited);
      if (this.exitInfo) throw new Error(`${describeExit(this.exitInfo)} while starting`);
      if (got !== "slept") info = got as Message;
    }
    this.kernelInfo = info.content;
    this.onIopub = () => {};
  }

  /** Sends a request on shell or control; `reply` resolves with the reply whose parent is this request. */
  request(socket: Dealer, msgType: string, content: unknown): { msgId: string; reply: Promise<Message> } {
    const msg = this.wire.message(msgType, content);
    const reply = new Promise<Message>((resolve) => this.pending.set(msg.header.msg_id, resolve));
    const prev = this.sendChains.get(socket) ?? Promise.resolve();
    const next = prev
      .then(() => (this.closed ? undefined : socket.send(this.wire.encode(msg))))
      .catch(() => {});
    this.sendChains.set(socket, next);
    return { msgId: msg.header.msg_id, reply };
  }

  /** Executes `code`; waits for its execute_reply and the iopub idle that follows all of its outputs. */
  async execute(code: string, timeoutMs: number, onSent?: (msgId: string) => void): Promise<ExecuteOutcome> {
    if (this.exitInfo) return { status: "died", exit: this.exitInfo };
    const { msgId, reply } = this.request(this.shell, "execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    onSent?.(msgId);
    const idle = new Promise<"idle">((resolve) => this.idleWaiters.set(msgId, () => resolve("idle")));
    // The idle status normally follows the reply at once; if it is lost, do not hang the whole run on it.
    const done = reply.then(async (r) => {
      if ((await within(IDLE_GRACE_MS, idle)) === "slept") {
        this.idleWaiters.delete(msgId);
        process.stderr.write(
          `attnlab: no idle status ${IDLE_GRACE_MS} ms after the reply to ${msgId}; going on\n`,
        );
      }
      return r;
    });
    const died = this.exited.then(() => "died" as const);
    const first = await within<Message | "died">(timeoutMs, done, died);
    if (first === "died") {
      await sleep(300); // outputs already on the wire still arrive
      return { status: "died", exit: this.exitInfo! };
    }
    if (first === "slept") {
      this.interrupt();
      const after = await within<Message | "died">(3000, done, died);
      if (after === "slept" || after === "died") return { status: "timeout", interrupted: false };
      const count = after.content.execution_count;
      return {
        status: "timeout",
        interrupted: true,
        executionCount: typeof count === "number" ? count : null,
      };
    }
    const status = String(first.content.status ?? "error");
    const count = first.content.execution_count;
    return {
      status: status === "ok" || status === "abort" ? status : "error",
      executionCount: typeof count === "number" ? count : null,
      reply: first,
    };
  }

  /** Interrupts the running cell the way the spec says (`interrupt_mode: signal`): SIGINT to the kernel. */
  interrupt(): void {
    this.proc.interrupt();
  }

  /** Answers whether the heartbeat channel echoes within `timeoutMs`. */
  async heartbeat(timeoutMs = 1000): Promise<boolean> {
    const hb = new Request({ linger: 0, receiveTimeout: timeoutMs, sendTimeout: timeoutMs });
    try {
      hb.connect(this.hbAddress);
      await hb.send("ping");
      const [echo] = await hb.receive();
      return echo?.toString() === "ping";
    } catch {
      return false;
    } finally {
      hb.close();
    }
  }

  /** shutdown_request on control, then SIGKILL to the kernel's process group after `graceMs`. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (!this.exitInfo && graceMs > 0) {
      this.request(this.control, "shutdown_request", { restart: false });
      await within(graceMs, this.exited);
    }
    if (!this.exitInfo) this.proc.kill();
    await within(2000, this.exited);
    this.closed = true;
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) s.close();
    removeConnectionDir(this.tmp);
  }

  private listen(socket: Dealer | Subscriber): void {
    (async () => {
      for await (const frames of socket) {
        let msg: Message;
        try {
          msg = this.wire.decode(frames);
        } catch (err) {
          process.stderr.write(`attnlab: dropped a kernel message: ${(err as Error).message}\n`);
          continue;
        }
        const parent = msg.parent_header.msg_id ?? "";
        if (socket === this.iopub) {
          try {
            this.onIopub(msg);
          } catch (err) {
            // A handler bug must not end this loop: every later message (and the idle status) would be lost.
            process.stderr.write(
              `attnlab: error handling a ${msg.header.msg_type} message: ${(err as Error).stack}\n`,
            );
          }
          if (msg.header.msg_type === "status" && msg.content.execution_state === "idle") {
            this.idleWaiters.get(parent)?.();
            this.idleWaiters.delete(parent);
          }
        } else {
          this.pending.get(parent)?.(msg);
          this.pending.delete(parent);
        }
      }
    })().catch(() => {
      // The socket was closed.
    });
  }
}
