import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';

/**
 * The send rate of DESIGN.md section 7: per user, a token bucket with SEND_RATE_PER_SECOND refill and
 * SEND_BURST capacity, whatever devices and nodes the user's sends come through. `now` (ms) is for tests.
 */
export abstract class SendRateLimiter {
  protected readonly rate: number;
  protected readonly burst: number;

  constructor(config: AppConfig) {
    this.rate = config.sendRate.perSecond;
    this.burst = config.sendRate.burst;
  }

  /** Takes one send from the user's allowance; false when there is none left. */
  abstract take(userId: string, now?: number): boolean | Promise<boolean>;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** One process holds every socket (embedded): the buckets live in its memory. */
@Injectable()
export class LocalSendRateLimiter extends SendRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  take(userId: string, now = Date.now()): boolean {
    const b = this.buckets.get(userId) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * this.rate);
    b.at = Math.max(b.at, now);
    if (this.buckets.size > 50_000) this.prune(now);
    this.buckets.set(userId, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Full buckets carry no information; dropping them keeps the map at the size of the active users. */
  private prune(now: number): void {
    const fullAfterMs = (this.burst / this.rate) * 1000;
    for (const [k, b] of this.buckets) if (now - b.at > fullAfterMs) this.buckets.delete(k);
  }
}

// KEYS[1] the user's bucket; ARGV rate/s, burst, now (ms). A bucket expires once it would be full again.
const TAKE = `local b = redis.call('HMGET', KEYS[1], 't', 'at')
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens, at = tonumber(b[1]), tonumber(b[2])
if tokens == nil or at == nil then tokens, at = burst, now end
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local ok = 0
if tokens >= 1 then tokens, ok = tokens - 1, 1 end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(math.max(now, at)))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return ok`;

/**
 * Distributed: a user's devices may sit on different chat nodes, so the bucket lives in Redis and every
 * node takes from the same one (one script call per send, beside the dedupe claim's). The nodes' clocks
 * only set the refill; a node whose clock lags cannot refill a bucket backwards.
 */
@Injectable()
export class RedisSendRateLimiter extends SendRateLimiter {
  constructor(
    config: AppConfig,
    private readonly redis: RedisService,
  ) {
    super(config);
  }

  async take(userId: string, now = Date.now()): Promise<boolean> {
    const ok = await this.redis.client.eval(
      TAKE,
      1,
      `chat:send-rate:{${userId}}`,
      String(this.rate),
      String(this.burst),
      String(now),
    );
    return ok === 1;
  }
}
