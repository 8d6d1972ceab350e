import type { Redis } from 'ioredis';
import { PushCollapseGate } from './push-collapse-gate';

/** The distributed gate: one Redis key per open window, which Redis expires by itself. */
export class RedisPushCollapseGate extends PushCollapseGate {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'chat:push:window',
  ) {
    super();
  }

  async tryOpen(userId: string, channelId: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.key(userId, channelId), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async close(userId: string, channelId: string): Promise<void> {
    await this.redis.del(this.key(userId, channelId));
  }

  private key(userId: string, channelId: string): string {
    return `${this.prefix}:${userId}:${channelId}`;
  }
}
