import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RedisService } from './redis.service';

const KEY = 'chat:epoch';
// The epoch's value, set to ARGV[1] first when there is none: one round trip.
const CURRENT = `local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]`;
const CHECK_EVERY_MS = 1_000;

/**
 * Notices when Redis has lost its data (a FLUSHALL, or a restart: it keeps nothing on disk). A key without a
 * TTL marks the data's epoch; when it is gone or another process has already replaced it, everything that
 * lived only in Redis (queued jobs, presence, leases) is gone too, and the listeners put back what they can.
 */
@Injectable()
export class RedisEpoch implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisEpoch.name);
  private known?: string;
  private timer?: NodeJS.Timeout;
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly redis: RedisService) {}

  /** `fn` runs once for each loss this process notices. */
  onLoss(fn: () => void): void {
    this.listeners.push(fn);
  }

  async onModuleInit(): Promise<void> {
    this.known = await this.current();
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The epoch's value, creating it when there is none. */
  private async current(): Promise<string> {
    return (await this.redis.client.eval(CURRENT, 1, KEY, randomUUID())) as string;
  }

  private async check(): Promise<void> {
    let now: string;
    try {
      now = await this.current();
    } catch {
      return; // unreachable: nothing to say about its data until it answers
    }
    if (now === this.known) return;
    this.known = now;
    this.logger.warn('Redis lost its data (flushed or restarted); restoring what lived only there');
    for (const fn of this.listeners) {
      try {
        fn();
      } catch (e) {
        this.logger.error({ err: e }, 'a Redis data-loss listener failed');
      }
    }
  }
}
