// Promise timing helpers: a sleep, and a race against a timer that is always cleared.

export const sleep = (ms: number) =>
  new Promise<"slept">((resolve) => setTimeout(() => resolve("slept"), ms));

/** Races `promises` against a timer of `ms` (none when `ms <= 0`) that is cleared afterwards. */
export async function within<T>(ms: number, ...promises: Promise<T>[]): Promise<T | "slept"> {
  let timer: NodeJS.Timeout | undefined;
  const slept = new Promise<"slept">((resolve) => {
    if (ms > 0) timer = setTimeout(() => resolve("slept"), ms);
  });
  try {
    return await Promise.race([...promises, slept]);
  } finally {
    clearTimeout(timer);
  }
}
