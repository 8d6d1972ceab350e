import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RedisService } from './redis.service';

export const EPOCH_KEY = 'chat:epoch';
/**
 * Lua: the epoch's value, `<random id>:<Redis time in ms when it was made>`, made first when there is none
 * (ARGV[1] is the random id). Other scripts use the same to learn how long ago Redis last lost its data.
 */
export const ENSURE_EPOCH_LUA = `local function ensure_epoch(key, id)
  local v = redis.call('GET', key)
  if v then return v end
  local t = redis.call('TIME')
  v = id .. ':' .. (t[1] * 1000 + math.floor(t[2] / 1000))
  redis.call('SET', key, v)
  return v
end`;
const CURRENT = `${ENSURE_EPOCH_LUA}
return ensure_epoch(KEYS[1], ARGV[1])`;
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
    return (await this.redis.client.eval(CURRENT, 1, EPOCH_KEY, randomUUID())) as string;
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
