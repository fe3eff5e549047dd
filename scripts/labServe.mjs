// A small static file server for the built lab site, bound to the loopback interface only. Used by
// `npm run lab` (scripts/lab.mjs) and, through it, by the end-to-end test (test/lab/lab.test.ts).
// Serves .wasm as application/wasm (needed by WebAssembly.instantiateStreaming) and never caches. Extra
// folders can be mounted under a URL prefix (the lab mounts out/models/, where notebooks save models, at /models/).
// Safe by construction: only regular files whose real path (symlinks resolved) lies inside a real root are
// served; the file is opened before any header is sent, so errors get a 4xx/5xx; and only requests whose Host
// header names this loopback server (127.0.0.1, localhost or [::1] with its port) are answered (DNS rebinding).
import { closeSync, constants, createReadStream, fstatSync, openSync, realpathSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".bin": "application/octet-stream",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".map": "application/json",
  ".woff2": "font/woff2",
};

/** The interfaces the server may bind to, and the host names a request may use for them. */
const LOOPBACK = { "127.0.0.1": "127.0.0.1", localhost: "127.0.0.1", "::1": "::1", "[::1]": "::1" };
const HOST_NAMES = ["127.0.0.1", "localhost", "[::1]"];

/** An HTTP error: status and a one-line reason. */
class Refusal extends Error {
  constructor(status, reason) {
    super(reason);
    this.status = status;
  }
}

/** `path` with symlinks resolved, or undefined if it does not exist. */
function realOrUndefined(path) {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

const inside = (root, path) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/** The real path of the file `pathname` names under `root` (index.html for folders); throws a Refusal. */
function realFileFor(root, pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    throw new Refusal(400, "bad percent-encoding");
  }
  if (decoded.includes("\0")) throw new Refusal(400, "NUL in path");
  const realRoot = realOrUndefined(root);
  const path = normalize(join(root, decoded));
  if (realRoot === undefined || !inside(root, path)) throw new Refusal(404, "not found");
  const real = realOrUndefined(path);
  if (real === undefined) throw new Refusal(404, "not found");
  if (!inside(realRoot, real)) throw new Refusal(403, "outside the served folder");
  return real;
}

/** Opens the regular file the request names (never blocking on a FIFO); returns { fd, size, file }. */
function openFor(root, pathname, depth = 0) {
  const file = realFileFor(root, pathname);
  let fd;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw err.code === "EACCES" || err.code === "EPERM"
      ? new Refusal(403, "not readable")
      : new Refusal(500, `cannot open (${err.code})`);
  }
  const stat = fstatSync(fd);
  if (stat.isFile()) return { fd, size: stat.size, file };
  closeSync(fd);
  if (stat.isDirectory() && depth === 0)
    return openFor(root, `${pathname.replace(/\/?$/, "/")}index.html`, 1);
  throw new Refusal(404, "not a file");
}

/** The file a request path names: under the first mount whose prefix it starts with, else under `root`. */
function openRequest(root, mounts, pathname) {
  for (const [prefix, dir] of mounts) {
    if (pathname.startsWith(prefix)) return openFor(dir, pathname.slice(prefix.length - 1));
  }
  return openFor(root, pathname);
}

/** Whether the Host header names this server: a loopback name with the server's port. */
function hostAllowed(header, port) {
  if (typeof header !== "string") return false;
  const host = header.toLowerCase();
  return HOST_NAMES.some((name) => host === `${name}:${port}` || (port === 80 && host === name));
}

function refuse(res, status, reason) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(`${status} ${reason}\n`);
}

/** Answers one request: Host check, method check, then the file (opened before any header is sent). */
function handle(req, res, root, mounted, port) {
  if (!hostAllowed(req.headers.host, port))
    return refuse(res, 421, "this server answers only to its loopback address");
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    return refuse(res, 405, "only GET and HEAD");
  }
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  let opened;
  try {
    opened = openRequest(root, mounted, pathname);
  } catch (err) {
    return err instanceof Refusal
      ? refuse(res, err.status, `${err.message}: ${pathname}`)
      : refuse(res, 500, "error");
  }
  res.writeHead(200, {
    "content-type": TYPES[extname(opened.file)] ?? "application/octet-stream",
    "content-length": opened.size,
    "cache-control": "no-store",
  });
  if (req.method === "HEAD") {
    closeSync(opened.fd);
    return res.end();
  }
  const stream = createReadStream("", { fd: opened.fd, autoClose: true });
  stream.on("error", () => res.destroy()); // a read error after the headers: end the response, keep serving
  stream.pipe(res);
}

/**
 * Serves the folder `dir` on http://host:port/ (port 0: any free port); `mounts` maps URL prefixes ending in
 * "/" (e.g. "/models/") to other folders. `host` must be a loopback address (127.0.0.1, localhost, ::1).
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export function serveStatic(dir, { host = "127.0.0.1", port = 0, mounts = {}, ...unknown } = {}) {
  const extra = Object.keys(unknown);
  if (extra.length > 0)
    throw new TypeError(
      `serveStatic: unknown option ${JSON.stringify(extra[0])}; allowed: host, port, mounts`,
    );
  const bind = Object.hasOwn(LOOPBACK, host) ? LOOPBACK[host] : undefined;
  if (bind === undefined)
    throw new RangeError(
      `serveStatic: host must be a loopback address (127.0.0.1, localhost, ::1), got ${JSON.stringify(host)}`,
    );
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`serveStatic: port must be an integer in [0, 65535], got ${port}`);
  for (const prefix of Object.keys(mounts)) {
    if (!/^\/.*\/$/.test(prefix))
      throw new RangeError(`serveStatic: mount prefix ${JSON.stringify(prefix)} must start and end with "/"`);
  }
  const root = resolve(dir);
  const mounted = Object.entries(mounts).map(([prefix, folder]) => [prefix, resolve(folder)]);
  let actualPort = port;
  const server = createServer((req, res) => {
    try {
      handle(req, res, root, mounted, actualPort);
    } catch {
      if (!res.headersSent) refuse(res, 500, "error");
      else res.destroy();
    }
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, bind, () => {
      actualPort = server.address().port;
      const shown = bind === "::1" ? "[::1]" : "127.0.0.1";
      done({
        url: `http://${shown}:${actualPort}/`,
        port: actualPort,
        close: () => new Promise((closed) => server.close(() => closed())),
      });
    });
  });
}
