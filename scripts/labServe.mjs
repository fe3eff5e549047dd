// A small static file server for the built lab site, bound to the loopback interface only. Used by
// `npm run lab` (scripts/lab.mjs) and, through it, by the end-to-end test (test/lab/lab.test.ts).
// Serves .wasm as application/wasm (needed by WebAssembly.instantiateStreaming) and never caches. Extra
// folders can be mounted under a URL prefix (the lab mounts out/models/, where notebooks save models, at /models/).
import { createReadStream, statSync } from "node:fs";
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
};

/** The file under `root` that `pathname` names (index.html for folders), or undefined if none or outside. */
function fileFor(root, pathname) {
  let path;
  try {
    path = normalize(join(root, decodeURIComponent(pathname)));
  } catch {
    return undefined;
  }
  if (path !== root && !path.startsWith(root + sep)) return undefined;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return fileFor(root, `${pathname.replace(/\/?$/, "/")}index.html`);
    return stat.isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The file a request path names: under the first mount whose prefix it starts with, else under `root`. */
function resolveRequest(root, mounts, pathname) {
  for (const [prefix, dir] of mounts) {
    if (pathname.startsWith(prefix)) return fileFor(dir, pathname.slice(prefix.length - 1));
  }
  return fileFor(root, pathname);
}

/**
 * Serves the folder `dir` on http://host:port/ (port 0: any free port); `mounts` maps URL prefixes ending in
 * "/" (e.g. "/models/") to other folders.
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export function serveStatic(dir, { host = "127.0.0.1", port = 0, mounts = {} } = {}) {
  const root = resolve(dir);
  const mounted = Object.entries(mounts).map(([prefix, folder]) => [prefix, resolve(folder)]);
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    const file =
      req.method === "GET" || req.method === "HEAD" ? resolveRequest(root, mounted, pathname) : undefined;
    if (file === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${pathname}\n`);
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      const address = server.address();
      done({
        url: `http://${host}:${address.port}/`,
        close: () => new Promise((closed) => server.close(() => closed())),
      });
    });
  });
}
