// The one poll loop of the tests: waits for something asynchronous to become true, and names what it
// waited for when it gives up.

/** Polls `fn` every `everyMs` until it gives a value (not undefined or false), or fails after `ms`. */
export async function until<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  ms = 8000,
  everyMs = 20,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
