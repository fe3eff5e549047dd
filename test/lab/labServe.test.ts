/**
 * The lab's static server (scripts/labServe.mjs) without a browser: it serves only regular files whose real path
 * is inside its real roots (a symlink out of /models/ is refused, not followed to /etc/passwd), answers an
 * unreadable file or a FIFO with a 4xx and stays up, and answers only to its loopback Host (DNS rebinding).
 * The server runs as a child process; as root it runs as `nobody`, so a chmod 000 file is really unreadable.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

const SERVE = join(__dirname, "..", "..", "scripts", "labServe.mjs");
let scratch: string;
let server: ChildProcess;
let port: number;

/** Starts serveStatic(site, { mounts: { "/models/": models } }) in a child; resolves with its port. */
function startServer(site: string, models: string): Promise<number> {
  const code = `import(${JSON.stringify(SERVE)}).then(({ serveStatic }) => serveStatic(process.argv[1], { port: 0, mounts: { "/models/": process.argv[2] } })).then((s) => console.log("serving " + s.url));`;
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  server = spawn(process.execPath, ["-e", code, site, models], {
    stdio: ["ignore", "pipe", "pipe"],
    ...asNobody,
  });
  let out = "";
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const found = /serving http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (found) resolve(Number(found[1]));
    };
    server.stdout!.on("data", read);
    server.stderr!.on("data", read);
    server.once("exit", (c) => reject(new Error(`the server exited with ${c}:\n${out}`)));
  });
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "attnlab-lab-serve-"));
  chmodSync(scratch, 0o755);
  const site = join(scratch, "site");
  const models = join(scratch, "models");
  const outside = join(scratch, "outside");
  for (const d of [site, models, outside, join(site, "empty")]) mkdirSync(d, { recursive: true });
  writeFileSync(join(site, "index.html"), "<p>lab</p>\n");
  writeFileSync(join(outside, "secret.txt"), "TOPSECRET-CONTENT\n");
  writeFileSync(join(models, "m.json"), '{"ok": true}\n');
  symlinkSync("/etc/passwd", join(models, "x.json"));
  symlinkSync("/etc/passwd", join(site, "passwd"));
  symlinkSync(outside, join(models, "outdir"));
  symlinkSync(join(outside, "secret.txt"), join(site, "secret.txt"));
  symlinkSync(join(models, "m.json"), join(models, "alias.json")); // inside the root: allowed
  writeFileSync(join(models, "locked.json"), "{}\n");
  chmodSync(join(models, "locked.json"), 0o000);
  execFileSync("mkfifo", [join(models, "fifo.json")]);
  port = await startServer(site, models);
});

after(() => {
  server?.kill("SIGTERM");
  rmSync(scratch, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: string;
}

/** A GET (or `method`) with `Host: 127.0.0.1:<port>` unless `host` says otherwise. */
function get(path: string, host = `127.0.0.1:${port}`, method = "GET"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers: { host } }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`${path}: no answer in 5 s`)));
    req.on("error", reject);
    req.end();
  });
}

const PATHS: [string, number, RegExp?][] = [
  ["/", 200, /<p>lab<\/p>/],
  ["/index.html", 200, /<p>lab<\/p>/],
  ["/models/m.json", 200, /"ok": true/],
  ["/models/alias.json", 200, /"ok": true/],
  ["/models/x.json", 403, /outside the served folder/],
  ["/passwd", 403],
  ["/secret.txt", 403],
  ["/models/outdir/secret.txt", 403],
  ["/models/../../etc/passwd", 404],
  ["/%2e%2e/%2e%2e/etc/passwd", 404],
  ["/models/..%2f..%2f..%2fetc%2fpasswd", 404],
  ["/models/..%2foutside%2fsecret.txt", 404],
  ["/index.html%00.png", 400],
  ["/%E0%A4%A", 400],
  ["/models/locked.json", 403, /not readable/],
  ["/models/fifo.json", 404, /not a file/],
  ["/empty/", 404],
  ["/missing.js", 404],
];

test("only real files inside the real roots are served; symlinks out are refused", async () => {
  for (const [path, status, body] of PATHS) {
    const r = await get(path);
    assert.equal(r.status, status, `${path}: ${r.body}`);
    if (body) assert.match(r.body, body, path);
    assert.doesNotMatch(r.body, /root:|TOPSECRET/, `${path} leaked a file from outside`);
  }
});

test("an unreadable file gets a 4xx and the server stays up", async () => {
  for (let i = 0; i < 3; i++) assert.equal((await get("/models/locked.json")).status, 403);
  assert.equal((await get("/index.html")).status, 200);
  assert.equal(server.exitCode, null, "the server is still running");
});

/** Host headers that do not name this server (a function: the port is known only once it runs). */
const badHosts = (): string[] => [
  "evil.example",
  `evil.example:${port}`,
  "127.0.0.1",
  "127.0.0.1:1",
  `127.0.0.1.evil.example:${port}`,
  `localhost.evil.example:${port}`,
  `0.0.0.0:${port}`,
  `192.168.0.1:${port}`,
];

test("a Host header other than this loopback server is refused (DNS rebinding)", async () => {
  for (const host of badHosts()) {
    const r = await get("/index.html", host);
    assert.equal(r.status, 421, `Host: ${JSON.stringify(host)}`);
    assert.doesNotMatch(r.body, /lab/, host);
  }
  for (const host of [`localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `127.0.0.1:${port}`]) {
    assert.equal((await get("/index.html", host)).status, 200, host);
  }
});

test("a request without a Host header (HTTP/1.0) is refused; other methods get 405", async () => {
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end("GET /index.html HTTP/1.0\r\n\r\n"));
    let text = "";
    socket.on("data", (c: Buffer) => {
      text += c.toString();
    });
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
  });
  assert.match(raw, /^HTTP\/1\.[01] 421 /);
  assert.equal((await get("/index.html", undefined, "POST")).status, 405);
  assert.equal((await get("/index.html", undefined, "HEAD")).status, 200);
});

type Serve = (dir: string, options?: object) => Promise<{ close: () => Promise<void> }>;
const BAD_OPTIONS: [object, RegExp][] = [
  [{ host: "0.0.0.0" }, /serveStatic: host must be a loopback address .* got "0\.0\.0\.0"/],
  [{ host: "192.168.1.2" }, /host must be a loopback address/],
  [{ port: -1 }, /port must be an integer in \[0, 65535\], got -1/],
  [{ port: 1.5 }, /port must be an integer/],
  [{ port: "80" }, /port must be an integer/],
  [{ mounts: { models: "/tmp" } }, /mount prefix "models" must start and end with "\/"/],
  [{ mount: {} }, /serveStatic: unknown option "mount"/],
];

test("serveStatic refuses a non-loopback host, a bad port and unknown options", async () => {
  const { serveStatic } = (await import(SERVE)) as { serveStatic: Serve };
  for (const [options, message] of BAD_OPTIONS) {
    assert.throws(() => serveStatic(scratch, options), message, JSON.stringify(options));
  }
});

const BAD_LAB_ARGS: [string[], RegExp][] = [
  [["--prot", "3"], /lab: unknown option "--prot"; allowed: --port N, --no-build, --build-only/],
  [["--port"], /lab: --port must be an integer in \[0, 65535\] .*got undefined/],
  [["--port", "99999"], /--port must be an integer in \[0, 65535\] .*got "99999"/],
  [["--port", "-1"], /--port must be an integer .*got "-1"/],
  [["--port", "1e3"], /--port must be an integer .*got "1e3"/],
  [["--no-build", "--build-only"], /--no-build and --build-only exclude each other/],
];

test("`npm run lab` flags: unknown or bad ones exit 2 naming the flag, before building anything", () => {
  const lab = join(__dirname, "..", "..", "scripts", "lab.mjs");
  for (const [argv, message] of BAD_LAB_ARGS) {
    const r = spawnSync(process.execPath, [lab, ...argv], { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 2, `${argv.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, argv.join(" "));
  }
});
