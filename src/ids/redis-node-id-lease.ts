import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RedisService } from '../redis/redis.service';
import { NodeIdLease } from './node-id-lease';
import { MAX_NODE_ID } from './snowflake';

const KEY = (n: number) => `chat:snowflake:node:${n}`;
// Renew only while we still own the key; never extend someone else's lease.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Leases a node id from Redis with SET NX PX and renews it at a third of the TTL. If a renewal finds the
 * lease gone (Redis lost it, or this process stalled past the TTL), the process stops issuing ids until it
 * leases a fresh one, so two processes never stamp the same node id at once.
 */
@Injectable()
export class RedisNodeIdLease extends NodeIdLease implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisNodeIdLease.name);
  private readonly owner = randomUUID();
  private nodeId: number | undefined;
  private timer?: NodeJS.Timeout;

  private readonly ttlMs = 30_000;

  constructor(private readonly redis: RedisService) {
    super();
  }

  current(): number | undefined {
    return this.nodeId;
  }

  async onModuleInit(): Promise<void> {
    this.nodeId = await this.acquire();
    this.logger.log(`leased snowflake node id ${this.nodeId}`);
    this.timer = setInterval(() => void this.renew(), Math.floor(this.ttlMs / 3));
    this.timer.unref();
  }

  async acquire(): Promise<number> {
    const start = Math.floor(Math.random() * (MAX_NODE_ID + 1));
    for (let i = 0; i <= MAX_NODE_ID; i++) {
      const n = (start + i) % (MAX_NODE_ID + 1);
      const ok = await this.redis.client.set(KEY(n), this.owner, 'PX', this.ttlMs, 'NX');
      if (ok === 'OK') return n;
    }
    throw new Error('no free snowflake node id: 1024 processes hold leases');
  }

  private async renew(): Promise<void> {
    if (this.nodeId === undefined) {
      this.nodeId = await this.acquire().catch(() => undefined);
      return;
    }
    try {
      const kept = await this.redis.client.eval(RENEW, 1, KEY(this.nodeId), this.owner, String(this.ttlMs));
      if (kept !== 1) {
        this.logger.error(`lost the lease on node id ${this.nodeId}; stopping id issue until a new lease`);
        this.nodeId = undefined;
      }
    } catch (e) {
      this.logger.warn(`node id lease renewal failed: ${(e as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.nodeId !== undefined) {
      await this.redis.client.eval(RELEASE, 1, KEY(this.nodeId), this.owner).catch(() => undefined);
    }
  }
}
