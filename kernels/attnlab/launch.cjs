#!/usr/bin/env node
// Jupyter kernel launcher: starts the tslab pinned by the attnlab package, `node launch.cjs <connection file>`.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

function isAttnlab(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name === "attnlab";
  } catch {
    return false;
  }
}

// Where the attnlab package is: recorded by `attnlab kernel install` in an installed copy; else this
// committed spec's own package (<package>/kernels/attnlab/, symlinks resolved); else the attnlab that
// the notebook's folder resolves.
function packageDir() {
  const recorded = path.join(__dirname, "attnlab-location.json");
  if (fs.existsSync(recorded)) {
    return JSON.parse(fs.readFileSync(recorded, "utf8")).packageDir;
  }
  const own = path.resolve(__dirname, "..", "..");
  if (isAttnlab(own)) return own;
  try {
    return path.dirname(require.resolve("attnlab/package.json", { paths: [process.cwd()] }));
  } catch {
    process.stderr.write(
      "attnlab kernel: cannot find the attnlab package; register the kernel with `npx attnlab kernel install`.\n",
    );
    process.exit(1);
  }
}

// tslab 1.0.22 calls `socket.send(...)` without awaiting it, but a zeromq 6 socket takes one send at a time:
// a second send while the first is in flight rejects with EBUSY ("Socket is busy writing"), unhandled, and that
// message is lost (seen here: an iopub status or stream message, so a client waits for an idle that never
// comes). When a send is in flight, queue the next ones behind it, so they go out one after another, in order.
function serializeZmqSends(tslabDir) {
  const zmq = require(require.resolve("zeromq", { paths: [tslabDir] }));
  let proto = zmq.Publisher.prototype;
  while (proto && !Object.hasOwn(proto, "send")) proto = Object.getPrototypeOf(proto);
  if (!proto || proto.send.attnlabSerialized) return;
  const send = proto.send;
  const states = new WeakMap(); // socket → { last: its newest send (settled either way), queued: count }
  function serializedSend(...args) {
    const st = states.get(this) ?? { last: Promise.resolve(), queued: 0 };
    states.set(this, st);
    if (st.queued === 0) {
      // The usual case: send at once (synchronously, so a message written just before `process.exit` goes).
      try {
        const sent = send.apply(this, args);
        st.last = sent.catch(() => {});
        return sent;
      } catch (err) {
        if (err?.code !== "EBUSY") throw err;
      }
    }
    // A send is in flight: wait for it, behind any already waiting, so the order is kept.
    st.queued++;
    const sent = st.last.then(() => {
      st.queued--;
      return send.apply(this, args);
    });
    st.last = sent.catch(() => {});
    return sent;
  }
  serializedSend.attnlabSerialized = true;
  // zeromq defines `send` read-only but configurable: redefine it rather than assign.
  Object.defineProperty(proto, "send", { value: serializedSend, writable: false, configurable: true });
}

function main(argv) {
  const args = argv.filter((a) => a !== "--config-path");
  const configPath = args[0];
  if (!configPath || args.length !== 1) {
    process.stderr.write("usage: node launch.cjs <connection file>\n");
    process.exit(2);
  }
  const pkgDir = packageDir();
  let tslabMain;
  try {
    tslabMain = require.resolve("tslab/dist/main.js", { paths: [pkgDir] });
  } catch {
    process.stderr.write(`attnlab kernel: cannot find tslab from ${pkgDir}; run \`npm ci\` there.\n`);
    process.exit(1);
  }
  const tslabVersion = JSON.parse(
    fs.readFileSync(path.join(path.dirname(tslabMain), "..", "package.json"), "utf8"),
  ).version;
  const pinned = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")).dependencies?.tslab;
  if (pinned && pinned !== tslabVersion) {
    process.stderr.write(`attnlab kernel: warning: tslab ${tslabVersion} found, attnlab pins ${pinned}\n`);
  }
  serializeZmqSends(path.dirname(tslabMain));
  // In-process start (no child), so that SIGINT from Jupyter reaches tslab's interrupt handler.
  require(tslabMain).startKernel({
    configPath: path.resolve(configPath),
    enableFindLocal: false,
    jsKernel: false,
    globalVersion: tslabVersion,
  });
}

main(process.argv.slice(2));
