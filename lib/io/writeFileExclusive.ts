/**
 * Exclusive atomic file creation (Node only): write a complete temp file beside the target, then hard-link it to
 * the target's name, which fails if that name exists, so the file appears whole or not at all and is never replaced.
 */
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Creates `path` holding `data`, creating its folder if needed; throws an error with code `EEXIST` if it exists.
 * Where the file system has no hard links, falls back to an exclusive (`wx`) write.
 */
export function writeFileExclusive(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeFileSync(tmp, data, { flag: "wx" });
    try {
      linkSync(tmp, path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EEXIST" || !["EPERM", "ENOTSUP", "EOPNOTSUPP", "EXDEV", "ENOSYS"].includes(code ?? ""))
        throw err;
      writeFileSync(path, data, { flag: "wx" });
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}
