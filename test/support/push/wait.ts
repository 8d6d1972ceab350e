/** Polls until `get` returns at least `n` items; resolves with them, or rejects after `timeoutMs`. */
export async function atLeast<T>(
  get: () => T[],
  n: number,
  timeoutMs = 10_000,
  what = 'items',
): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = get();
    if (items.length >= n) return items;
    if (Date.now() > deadline) throw new Error(`timed out with ${items.length}/${n} ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
