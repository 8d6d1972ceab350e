import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per user on this chat node: SEND_RATE_PER_SECOND refill, SEND_BURST capacity. A user whose
 * devices sit on several nodes gets the allowance on each; that bounds abuse well enough without a Redis
 * round trip on every send.
 */
@Injectable()
export class SendRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;
  private readonly burst: number;

  constructor(config: AppConfig) {
    this.rate = config.sendRate.perSecond;
    this.burst = config.sendRate.burst;
  }

  take(userId: string, now = Date.now()): boolean {
    const b = this.buckets.get(userId) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate);
    b.at = now;
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
