// Launcher patch: zeromq sends that tslab 1.0.22 fires without awaiting go out one after another, in order.
"use strict";

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

module.exports = { serializeZmqSends };
