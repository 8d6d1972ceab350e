import { Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';

const WINDOW_S = 60;

/**
 * Events per second over the last minute, across every chat node. Each node counts locally and adds its
 * count to a per-second Redis key once a second (one INCRBY per node per second, not per event); embedded,
 * the counts stay in this process.
 */
abstract class EventRate implements OnModuleInit, OnApplicationShutdown {
  private pending = 0;
  private readonly local = new Map<number, number>();
  private timer?: NodeJS.Timeout;
  private readonly redis?: RedisService;

  constructor(
    /** The Redis key's part naming what is counted. */
    private readonly name: string,
    config: AppConfig,
    redis?: RedisService,
  ) {
    this.redis = config.topology.sharedState === 'redis' ? redis : undefined;
  }

  private key(second: number): string {
    return `chat:stats:${this.name}:${second}`;
  }

  record(n = 1): void {
    if (this.redis) {
      this.pending += n;
      return;
    }
    const s = Math.floor(Date.now() / 1000);
    this.local.set(s, (this.local.get(s) ?? 0) + n);
    if (this.local.size > WINDOW_S * 2)
      for (const k of this.local.keys()) if (k < s - WINDOW_S) this.local.delete(k);
  }

  /** Average events per second over the last full minute. */
  async perSecond(): Promise<number> {
    const now = Math.floor(Date.now() / 1000);
    const seconds = Array.from({ length: WINDOW_S }, (_, i) => now - 1 - i);
    const counts = this.redis
      ? ((await this.redis.client.mget(...seconds.map((s) => this.key(s)))) as (string | null)[]).map((v) =>
          Number(v ?? 0),
        )
      : seconds.map((s) => this.local.get(s) ?? 0);
    return counts.reduce((a, b) => a + b, 0) / WINDOW_S;
  }

  onModuleInit(): void {
    if (!this.redis) return;
    this.timer = setInterval(() => void this.flush(), 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.redis || this.pending === 0) return;
    const n = this.pending;
    this.pending = 0;
    const k = this.key(Math.floor(Date.now() / 1000));
    await this.redis.client
      .multi()
      .incrby(k, n)
      .expire(k, WINDOW_S * 3)
      .exec()
      .catch(() => (this.pending += n));
  }
}

/** Messages sent per second (admin stats). */
@Injectable()
export class MessageRate extends EventRate {
  constructor(config: AppConfig, @Optional() redis?: RedisService) {
    super('sent', config, redis);
  }
}

/** Read markers moved per second (admin stats). */
@Injectable()
export class ReadRate extends EventRate {
  constructor(config: AppConfig, @Optional() redis?: RedisService) {
    super('read', config, redis);
  }
}
