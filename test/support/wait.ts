/**
 * Polls `probe` until `ok` accepts its value; resolves with it, or rejects after `ms` naming `what`. For
 * state that has no event to await (another process's store, a stand-in's table); bounded, never a sleep.
 */
export async function until<T>(
  probe: () => Promise<T> | T,
  ok: (v: T) => boolean,
  ms: number,
  what: string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Polls `get` until it holds at least `n` items. */
export function atLeast<T>(get: () => T[], n: number, timeoutMs = 10_000, what = 'items'): Promise<T[]> {
  return until(get, (items) => items.length >= n, timeoutMs, `${n} ${what}`);
}
