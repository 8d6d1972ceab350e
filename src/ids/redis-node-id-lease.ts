import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ENSURE_EPOCH_LUA, EPOCH_KEY } from '../redis/redis-epoch';
import { RedisService } from '../redis/redis.service';
import { NodeIdLease } from './node-id-lease';
import { MAX_NODE_ID } from './snowflake';

const KEY = (n: number) => `chat:snowflake:node:${n}`;
// Renew only while we still own the key; never extend someone else's lease.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
// Takes a free node id and answers how long ago (Redis clock) Redis last lost its data, -1 when taken.
const TAKE = `${ENSURE_EPOCH_LUA}
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return -1 end
local made = tonumber(string.match(ensure_epoch(KEYS[2], ARGV[3]), ':(%d+)$'))
if not made then return 0 end
local t = redis.call('TIME')
return math.max(0, t[1] * 1000 + math.floor(t[2] / 1000) - made)`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Fencing by time (all durations on this process's monotonic clock, so no two machines' clocks are compared):
 * - a holder issues ids only within VALID_MS of the moment it *sent* its latest renewal that Redis confirmed;
 *   the key existed when Redis answered, so a flush or a lost key happened after that moment;
 * - a process that takes a node id it did not hold before issues nothing until HOLD_MS (> VALID_MS + margin)
 *   have passed since Redis last lost its data (RedisEpoch: the epoch key records when it was made, on
 *   Redis' own clock), so any previous holder that lost the key to a flush or a restart has stopped by
 *   then. In a deployment whose Redis has kept its data for a while that is no wait at all.
 * Together: two processes never stamp the same node id at the same time, even when Redis loses its data.
 * The key's TTL only frees the ids of crashed processes; it is far longer than VALID_MS.
 */
export const LEASE_TIMING = {
  renewEveryMs: 1_000,
  validMs: 2_500,
  /** VALID_MS plus a 500 ms margin for timer lateness and clock-rate differences. */
  holdMs: 3_000,
  ttlMs: 30_000,
} as const;

interface Waiter {
  resolve(nodeId: number): void;
  timer: NodeJS.Timeout;
}

/**
 * Leases a node id from Redis with SET NX PX and renews it every second. When a renewal finds the key gone
 * (Redis lost its data or restarted) it retakes a lease at once: the same node id when that is still free
 * (no hold: nobody else can have issued with it since, see LEASE_TIMING), else another one after the hold.
 * Sends wait for the lease briefly (IdGenerator) instead of failing while this happens.
 */
@Injectable()
export class RedisNodeIdLease extends NodeIdLease implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisNodeIdLease.name);
  private readonly owner = randomUUID();
  private nodeId: number | undefined;
  /** The node id held last, taken back first after a loss. */
  private lastNodeId: number | undefined;
  /** performance.now() before which ids may be issued (the fence). */
  private validUntil = 0;
  /** performance.now() before which a freshly taken node id may not be used yet. */
  private holdUntil = 0;
  private timer?: NodeJS.Timeout;
  private holdTimer?: NodeJS.Timeout;
  private renewing = false;
  private confirmed = true;
  private waiters: Waiter[] = [];
  private stopped = false;

  constructor(private readonly redis: RedisService) {
    super();
  }

  current(): number | undefined {
    const now = performance.now();
    return this.nodeId !== undefined && now >= this.holdUntil && now < this.validUntil
      ? this.nodeId
      : undefined;
  }

  /** The node id this process holds a lease on (it may still be in its hold, or unconfirmed). */
  held(): number | undefined {
    return this.nodeId;
  }

  usable(timeoutMs: number): Promise<number> {
    const now = this.current();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error('no usable node id lease'));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
      this.wakeAtHoldEnd();
    });
  }

  async onModuleInit(): Promise<void> {
    const sent = performance.now();
    const { nodeId, sinceLossMs } = await this.acquire();
    this.take(nodeId, sent, sinceLossMs);
    this.logger.log(`leased snowflake node id ${this.nodeId}`);
    this.timer = setInterval(() => void this.renew(), LEASE_TIMING.renewEveryMs);
    this.timer.unref();
  }

  /** Takes the first free node id, trying `preferred` first; says how long ago Redis last lost its data. */
  async acquire(preferred?: number): Promise<{ nodeId: number; sinceLossMs: number }> {
    const start = preferred ?? Math.floor(Math.random() * (MAX_NODE_ID + 1));
    for (let i = 0; i <= MAX_NODE_ID; i++) {
      const n = (start + i) % (MAX_NODE_ID + 1);
      const since = (await this.redis.client.eval(
        TAKE,
        2,
        KEY(n),
        EPOCH_KEY,
        this.owner,
        String(LEASE_TIMING.ttlMs),
        randomUUID(),
      )) as number;
      if (since >= 0) return { nodeId: n, sinceLossMs: since };
    }
    throw new Error('no free snowflake node id: 1024 processes hold leases');
  }

  /** `sinceLossMs`: undefined when the id is one this process held last (no hold), else the hold shortens. */
  private take(nodeId: number, sentAt: number, sinceLossMs?: number): void {
    this.nodeId = this.lastNodeId = nodeId;
    this.validUntil = sentAt + LEASE_TIMING.validMs;
    if (sinceLossMs !== undefined)
      this.holdUntil = performance.now() + Math.max(0, LEASE_TIMING.holdMs - sinceLossMs);
    this.wake();
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.stopped) return;
    this.renewing = true;
    const sent = performance.now();
    try {
      const held = this.nodeId;
      const kept =
        held !== undefined &&
        (await this.redis.client.eval(RENEW, 1, KEY(held), this.owner, String(LEASE_TIMING.ttlMs))) === 1;
      if (kept) {
        this.take(held, sent);
      } else {
        await this.retake(held, sent);
      }
      if (!this.confirmed) this.logger.log(`node id lease ${this.nodeId} confirmed again; issuing ids`);
      this.confirmed = true;
    } catch (e) {
      if (this.confirmed)
        this.logger.warn(
          `node id lease ${this.nodeId ?? '-'} could not be confirmed (${(e as Error).message}); ` +
            `ids pause ${LEASE_TIMING.validMs} ms after the last confirmation until it is`,
        );
      this.confirmed = false;
    } finally {
      this.renewing = false;
    }
  }

  /** The key is gone or someone else's: stop at once, then take our old id back if free, else another. */
  private async retake(lost: number | undefined, sent: number): Promise<void> {
    this.nodeId = undefined;
    this.validUntil = 0;
    if (lost !== undefined)
      this.logger.error(`lost the lease on node id ${lost} (Redis lost the key); stopped issuing ids`);
    const previous = this.lastNodeId;
    const { nodeId: n, sinceLossMs } = await this.acquire(previous);
    // Our own id back: nobody can be issuing with it now (a taker holds HOLD_MS first, and would still hold
    // the key), so no hold. Any other id may have had a holder that has not stopped yet.
    this.take(n, sent, n === previous ? undefined : sinceLossMs);
    this.logger.warn(
      n === previous
        ? `retook node id lease ${n}; issuing ids`
        : `leased node id ${n} instead of ${previous ?? '-'}; issuing ids within ${LEASE_TIMING.holdMs} ms`,
    );
  }

  private wake(): void {
    const nodeId = this.current();
    if (nodeId === undefined) {
      this.wakeAtHoldEnd();
      return;
    }
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(nodeId);
    }
  }

  /** During a hold nothing else would wake the waiters: a timer does, at its end. */
  private wakeAtHoldEnd(): void {
    const wait = this.holdUntil - performance.now();
    if (wait <= 0 || this.holdTimer || this.nodeId === undefined) return;
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      this.wake();
    }, Math.ceil(wait));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.holdTimer) clearTimeout(this.holdTimer);
    if (this.nodeId !== undefined) {
      await this.redis.client.eval(RELEASE, 1, KEY(this.nodeId), this.owner).catch(() => undefined);
    }
  }
}
