import { ThrottlerStorage } from '@nestjs/throttler';
import { RedisService } from '../redis/redis.service';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * A fixed window per key and throttler: the first hit sets the expiry. KEYS[1] the counter; ARGV ttl ms.
 * Answers the hits so far and the milliseconds left in the window.
 */
const HIT = `local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); left = tonumber(ARGV[1]) end
return {hits, left}`;

type HitCommand = (key: string, ttlMs: number) => Promise<[number, number]>;

/**
 * @nestjs/throttler's storage in Redis, so the per-address auth limit (AUTH_RATE_LIMIT_PER_MINUTE) holds
 * across every api process rather than per process. A blocked key stays blocked until its window ends
 * (the block lasts the rest of the window; `blockDuration` is not used by our throttlers).
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly command: HitCommand;

  constructor(redis: RedisService) {
    const client = redis.client as unknown as Record<string, HitCommand | undefined>;
    if (!client.chatThrottleHit) redis.client.defineCommand('chatThrottleHit', { numberOfKeys: 1, lua: HIT });
    this.command = (...args) => client.chatThrottleHit!(...args);
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const [hits, leftMs] = await this.command(`chat:throttle:{${throttlerName}:${key}}`, ttl);
    const seconds = Math.ceil(leftMs / 1000);
    return {
      totalHits: hits,
      timeToExpire: seconds,
      isBlocked: hits > limit,
      timeToBlockExpire: hits > limit ? seconds : 0,
    };
  }
}
