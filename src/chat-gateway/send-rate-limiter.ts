import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { TurnBatch, Waiter } from '../common/turn-batch';

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
export class InMemorySendRateLimiter extends SendRateLimiter {
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

/**
 * The same bucket as GCRA: one number per user, the theoretical arrival time (TAT) of the next send. A
 * send at `now` fits while TAT - now <= (burst - 1) * interval, and pushes TAT one interval on. Takes up to
 * ARGV[4] sends at once and answers how many fit. KEYS[1] the user's key; ARGV interval ms, burst, now, n.
 */
const TAKE = `local interval, burst, now, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local limit = (burst - 1) * interval
local granted = 0
while granted < n and tat - now <= limit do
  tat = tat + interval
  granted = granted + 1
end
if granted > 0 then redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1000) end
return granted`;

type TakeCommand = (key: string, interval: number, burst: number, now: number, n: number) => Promise<number>;

interface Take extends Waiter<boolean> {
  userId: string;
  now: number;
}

/**
 * Distributed: a user's devices may sit on different chat nodes, so the bucket lives in Redis and every
 * node takes from the same one. The takes of one event-loop turn go together, one script call per user
 * (auto-pipelined with the turn's other commands): a device sending a burst costs Redis one call, not one
 * per message. The nodes' clocks only set the refill; a node whose clock lags cannot refill backwards.
 */
@Injectable()
export class RedisSendRateLimiter extends SendRateLimiter {
  private readonly command: TakeCommand;
  private readonly takes = new TurnBatch<Take>((batch) => this.flush(batch));

  constructor(config: AppConfig, redis: RedisService) {
    super(config);
    const client = redis.client as unknown as Record<string, TakeCommand | undefined>;
    if (!client.chatTakeSends) redis.client.defineCommand('chatTakeSends', { numberOfKeys: 1, lua: TAKE });
    this.command = (...args) => client.chatTakeSends!(...args);
  }

  take(userId: string, now = Date.now()): Promise<boolean> {
    return new Promise((resolve, reject) => this.takes.add({ userId, now, resolve, reject }));
  }

  private flush(batch: Take[]): void {
    const byUser = new Map<string, Take[]>();
    for (const t of batch) {
      const same = byUser.get(t.userId);
      if (same) same.push(t);
      else byUser.set(t.userId, [t]);
    }
    const interval = 1000 / this.rate;
    for (const [userId, takes] of byUser) {
      const now = Math.max(...takes.map((t) => t.now));
      this.command(`chat:send-rate:{${userId}}`, interval, this.burst, now, takes.length).then(
        // The first `granted` in arrival order fit, as they would one by one.
        (granted) => takes.forEach((t, i) => t.resolve(i < granted)),
        (e: unknown) => takes.forEach((t) => t.reject(e)),
      );
    }
  }
}
