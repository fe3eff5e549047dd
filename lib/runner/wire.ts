// The Jupyter messaging protocol v5.3 on the wire: message headers, HMAC-SHA256 signing and frame parsing.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = Buffer.from("<IDS|MSG>");

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

/** A decoded Jupyter message; `parent_header` is `{}` when the message has no parent. */
export interface Message<C = Record<string, unknown>> {
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** Signs and checks messages of one session with the connection file's key. */
export class Wire {
  readonly session = randomUUID();

  constructor(private readonly key: string) {}

  /** A new message of `msgType` with a fresh id. */
  message<C>(msgType: string, content: C): Message<C> {
    return {
      header: {
        msg_id: randomUUID(),
        msg_type: msgType,
        session: this.session,
        username: "attnlab",
        date: new Date().toISOString(),
        version: PROTOCOL_VERSION,
      },
      parent_header: {},
      metadata: {},
      content,
      buffers: [],
    };
  }

  /** The frames to send on a Dealer socket: delimiter, signature, header, parent, metadata, content. */
  encode(msg: Message<unknown>): Buffer[] {
    const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) =>
      Buffer.from(JSON.stringify(p)),
    );
    return [DELIMITER, Buffer.from(this.sign(parts)), ...parts, ...msg.buffers];
  }

  /** Parses received frames (any routing prefix before the delimiter is dropped); throws on a bad signature. */
  decode(frames: Buffer[]): Message {
    const at = frames.findIndex((f) => f.equals(DELIMITER));
    if (at < 0 || frames.length < at + 6)
      throw new Error("malformed Jupyter message (no <IDS|MSG> delimiter)");
    const signature = frames[at + 1]!.toString();
    const parts = frames.slice(at + 2, at + 6);
    if (this.key !== "") {
      const want = Buffer.from(this.sign(parts));
      const got = Buffer.from(signature);
      if (want.length !== got.length || !timingSafeEqual(want, got)) {
        throw new Error("Jupyter message with an invalid HMAC signature");
      }
    }
    const [header, parent, metadata, content] = parts.map((p) => JSON.parse(p.toString("utf8")));
    return {
      header,
      parent_header: parent ?? {},
      metadata: metadata ?? {},
      content,
      buffers: frames.slice(at + 6),
    };
  }

  private sign(parts: Buffer[]): string {
    if (this.key === "") return "";
    const hmac = createHmac("sha256", this.key);
    for (const p of parts) hmac.update(p);
    return hmac.digest("hex");
  }
}
