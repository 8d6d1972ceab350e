import { gateKey, PushCollapseGate } from './push-collapse-gate';

/** The embedded gate: this process's memory, which is enough when one process enqueues every push. */
export class InMemoryPushCollapseGate extends PushCollapseGate {
  private readonly open = new Map<string, number>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  async tryOpen(userId: string, channelId: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    this.sweep(now);
    const key = gateKey(userId, channelId);
    const until = this.open.get(key);
    if (until !== undefined && until > now) return false;
    this.open.set(key, now + ttlMs);
    return true;
  }

  async close(userId: string, channelId: string): Promise<void> {
    this.open.delete(gateKey(userId, channelId));
  }

  /** Drops expired windows at most once a second, so the map holds only the open ones. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 1_000) return;
    this.lastSweep = now;
    for (const [key, until] of this.open) if (until <= now) this.open.delete(key);
  }
}
