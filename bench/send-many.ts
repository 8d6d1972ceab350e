import type { ChatSocket } from '@chat-server/client';
import { BenchContent, nowMs } from './bench-content';

/** Sends in flight at once when a scenario fills a channel through one socket. */
const SEND_WINDOW = 64;

/**
 * Sends `count` DMs to `to` over one socket with a window of sends in flight (bench content of `contentSize`
 * characters, keys `<tag>.<n>`); resolves with the acked message ids and the number of failed sends.
 */
export async function sendMany(
  s: ChatSocket,
  to: string,
  count: number,
  tag: string,
  opts: { contentSize: number; ackTimeoutMs: number },
): Promise<{ ids: Set<string>; errors: number }> {
  const content = new BenchContent(opts.contentSize);
  const ids = new Set<string>();
  let next = 0;
  let errors = 0;
  const chain = async () => {
    while (next < count) {
      const key = `${tag}.${next++}`;
      const ack = await s
        .send({ clientMsgId: key, to, content: content.make(nowMs(), key) }, opts.ackTimeoutMs)
        .catch(() => undefined);
      if (ack?.ok) ids.add(ack.message.id);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: SEND_WINDOW }, chain));
  return { ids, errors };
}

/** Runs `task(i)` for i in 0..count-1 with at most `concurrency` at once. */
export async function forEachLimited(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const runner = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, runner));
}

/** Message ids in the order the server gave them (Snowflakes: numeric order is send order). */
export const byId = (ids: Iterable<string>): string[] =>
  [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));

/** A DM's channel id, as the server names it (DESIGN.md section 6). */
export const dmChannel = (a: string, b: string): string => (a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`);
