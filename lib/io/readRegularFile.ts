/**
 * Reading a file a user named (Node only) without hanging or exhausting memory: it must be a regular file (not a
 * FIFO, device, socket or folder) no larger than a limit, checked on the open descriptor before reading.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/** What kind of thing a stat describes, for error messages ("a FIFO", "a directory"). */
function kindOf(stat: import("node:fs").Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "not a regular file";
}

/**
 * The text of the regular file at `path`, at most `maxBytes` long. Opens with `O_NONBLOCK` (so a FIFO cannot
 * block the open), then checks the descriptor with `fstat`: anything but a regular file, or a file over the
 * limit (also one that grows past it while being read), is an Error whose message starts with `where` and the path
 * and which carries the `reason` alone ("is a FIFO (named pipe), not a regular file").
 * @example readRegularFile("records verify", "/dev/zero", 1 << 20); // throws "records verify: /dev/zero is a character device, not a regular file"
 */
export function readRegularFile(where: string, path: string, maxBytes: number): string {
  return readRegularBytes(where, path, maxBytes).toString("utf8");
}

/** {@link readRegularFile}'s bytes, undecoded (`maxBytes` may be `Infinity`: no limit, the regular-file check stays). */
export function readRegularBytes(where: string, path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw Object.assign(problem(Error, where, path, `cannot be opened (${code})`), { code });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw problem(Error, where, path, `is ${kindOf(stat)}, not a regular file`);
    if (stat.size > maxBytes) throw tooLarge(where, path, stat.size, maxBytes);
    // Read to the end, but never more than maxBytes + 1 (the file may grow while it is read).
    const chunks: Buffer[] = [];
    let length = 0;
    while (length <= maxBytes) {
      const chunk = Buffer.alloc(
        Math.min(Math.max(stat.size - length, 0) + 1, maxBytes + 1 - length, 1 << 20),
      );
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      length += n;
    }
    if (length > maxBytes) throw tooLarge(where, path, length, maxBytes);
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(where: string, path: string, size: number, maxBytes: number): Error {
  return problem(RangeError, where, path, `is ${size} bytes or more, over the limit of ${maxBytes} bytes`);
}

/** An error `where: path reason` that also carries `reason` alone, for callers that word their own message. */
function problem(kind: ErrorConstructor, where: string, path: string, reason: string): Error {
  return Object.assign(new kind(`${where}: ${path} ${reason}`), { reason });
}
