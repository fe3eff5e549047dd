// Launcher patch: the kernel handles one shell request at a time, so status busy → idle brackets each one whole.
"use strict";
const path = require("node:path");

// tslab 1.0.22's ZmqServer calls `handleShellMessage` for each shell message as it arrives, without awaiting
// it, and each call publishes its own status busy at once and idle when that request is done. Two queued
// executes therefore read busy(1) busy(2) idle(1) … idle(2): the front end shows the kernel idle from the end
// of the first cell while the second one trains (tslab's execQueue already runs the cells one after another).
// Here each shell message waits for the one before it, as in ipykernel: busy(1) … idle(1) busy(2) … idle(2).
// The control channel (shutdown) is not queued.
//
// After a failed execute tslab aborts the requests behind it by leaving its execQueue rejected for 200 ms (a
// guess at "already queued"): with the requests now waiting here, a long queue could outlast that, and a
// request sent right after the failure was dropped. Instead, exactly the requests that had arrived when the
// failure was replied to are aborted, and the queue is reset for the first one that arrived later.
function serializeShellMessages(tslabDist) {
  const { ZmqServer, JupyterHandlerImpl } = require(path.join(tslabDist, "jupyter.js"));
  const { TaskQueue } = require(path.join(tslabDist, "util.js"));
  const handle = ZmqServer.prototype.handleShellMessage;
  if (handle.attnlabSerialized) return;
  const reset = TaskQueue.prototype.reset;
  TaskQueue.prototype.reset = function (delay) {
    if (delay == null) reset.call(this); // the delayed reset after a failure is done below, exactly
  };
  const handleExecute = JupyterHandlerImpl.prototype.handleExecute;
  JupyterHandlerImpl.prototype.handleExecute = async function (...args) {
    const reply = await handleExecute.apply(this, args);
    if (reply?.status === "error") this.attnlabFailed = true;
    return reply;
  };
  const queues = new WeakMap(); // server → { last: newest message's promise, arrived: count, abortThrough }
  function serialized(sock, ...frames) {
    if (sock !== this.shell) return handle.call(this, sock, ...frames);
    const q = queues.get(this) ?? { last: Promise.resolve(), arrived: 0, abortThrough: 0 };
    queues.set(this, q);
    const seq = ++q.arrived;
    const run = async () => {
      if (seq > q.abortThrough) this.handler.execQueue?.reset();
      try {
        return await handle.call(this, sock, ...frames);
      } finally {
        if (this.handler.attnlabFailed) {
          this.handler.attnlabFailed = false;
          q.abortThrough = q.arrived;
        }
      }
    };
    const done = q.last.then(run, run);
    q.last = done.catch(() => {});
    return done;
  }
  serialized.attnlabSerialized = true;
  ZmqServer.prototype.handleShellMessage = serialized;
}

module.exports = { serializeShellMessages };
