import { performance } from 'node:perf_hooks';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

const PREFIX = '~b1:';

/**
 * A bench message carries its send time and key in its content (`~b1:<ms>:<key>:` then padding), so a
 * recipient can time it without asking anyone, whichever process sent it.
 */
export class BenchContent {
  private readonly padding: string;

  constructor(private readonly size: number) {
    this.padding = 'x'.repeat(size);
  }

  make(sentAt: number, key: string): string {
    const head = `${PREFIX}${sentAt.toFixed(3)}:${key}:`;
    return head.length >= this.size ? head : head + this.padding.slice(0, this.size - head.length);
  }

  static parse(content: string): { sentAt: number; key: string } | undefined {
    if (!content.startsWith(PREFIX)) return undefined;
    const timeEnd = content.indexOf(':', PREFIX.length);
    const keyEnd = timeEnd < 0 ? -1 : content.indexOf(':', timeEnd + 1);
    if (keyEnd < 0) return undefined;
    const sentAt = Number(content.slice(PREFIX.length, timeEnd));
    return Number.isFinite(sentAt) ? { sentAt, key: content.slice(timeEnd + 1, keyEnd) } : undefined;
  }
}

/** Message keys are `<run>.<worker>.<sender>.<seq>`, also used as the clientMsgId. */
export const messageKey = (run: string, worker: number, sender: number, seq: number): string =>
  `${run}.${worker}.${sender}.${seq}`;

export function senderOfKey(key: string): number {
  const parts = key.split('.');
  return parts.length === 4 ? Number(parts[2]) : -1;
}
