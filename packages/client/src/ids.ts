/**
 * Message and change ids are decimal strings of 64-bit Snowflakes: past 2^53 a JS number loses digits, so
 * every comparison goes through BigInt.
 */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The larger of two ids; `undefined` counts as below every id. */
export const maxId = (a: string | undefined, b: string): string =>
  a === undefined || BigInt(b) > BigInt(a) ? b : a;

/** A fresh `clientMsgId` (1 to 64 characters): a resend with the same one gets the stored message back. */
export function newClientMsgId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  // Outside a secure context browsers have no randomUUID; uniqueness per sender for 24 h is all that counts.
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

/** The channel id of the DM between two users: `dm:<lower id>:<higher id>` (DESIGN.md section 3). */
export function dmChannelId(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}
