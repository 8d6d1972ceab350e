import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';

/** A user's socket counts for this long unless its node renews it: a crashed node's sockets stop counting. */
export const SOCKET_LEASE_MS = 60_000;
/** Chat nodes renew their sockets' leases this often (a third of the lease: two renewals may be missed). */
export const SOCKET_LEASE_RENEW_MS = SOCKET_LEASE_MS / 3;

export interface SocketRef {
  userId: string;
  socketId: string;
}

/**
 * MAX_SOCKETS_PER_USER (DESIGN.md section 7): the open sockets of one user, across every chat node. Each
 * counted socket holds a lease that its node renews; `now` (ms) is for tests.
 */
export abstract class SocketQuota {
  protected readonly max: number;

  constructor(config: AppConfig) {
    this.max = config.maxSocketsPerUser;
  }

  /** Counts the socket for its user; false (and not counted) when the user already has the maximum. */
  abstract admit(ref: SocketRef, now?: number): Promise<boolean>;
  abstract release(ref: SocketRef): Promise<void>;
  /** Extends the leases of sockets that are still open on this node. */
  abstract renew(refs: readonly SocketRef[], now?: number): Promise<void>;
}

/** Embedded: one process holds every socket. Leases expire as in Redis, so both adapters answer alike. */
@Injectable()
export class InMemorySocketQuota extends SocketQuota {
  private readonly users = new Map<string, Map<string, number>>();

  admit({ userId, socketId }: SocketRef, now = Date.now()): Promise<boolean> {
    const leases = this.users.get(userId) ?? new Map<string, number>();
    for (const [id, until] of leases) if (until <= now) leases.delete(id);
    if (leases.size >= this.max && !leases.has(socketId)) return Promise.resolve(false);
    leases.set(socketId, now + SOCKET_LEASE_MS);
    this.users.set(userId, leases);
    return Promise.resolve(true);
  }

  release({ userId, socketId }: SocketRef): Promise<void> {
    const leases = this.users.get(userId);
    leases?.delete(socketId);
    if (leases?.size === 0) this.users.delete(userId);
    return Promise.resolve();
  }

  renew(refs: readonly SocketRef[], now = Date.now()): Promise<void> {
    for (const { userId, socketId } of refs) {
      const leases = this.users.get(userId) ?? new Map<string, number>();
      leases.set(socketId, now + SOCKET_LEASE_MS);
      this.users.set(userId, leases);
    }
    return Promise.resolve();
  }
}

/**
 * A sorted set per user: socket id scored by the end of its lease. Admission drops expired leases, counts,
 * and adds, in one script, so two nodes admitting at once cannot both take the last place.
 * KEYS[1] the user's set; ARGV now, lease ms, max, socket id.
 */
const ADMIT = `local now, lease, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= max and not redis.call('ZSCORE', KEYS[1], ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], now + lease, ARGV[4])
redis.call('PEXPIRE', KEYS[1], lease)
return 1`;

type AdmitCommand = (
  key: string,
  now: number,
  lease: number,
  max: number,
  socketId: string,
) => Promise<number>;

/** Distributed: a user's sockets may sit on any chat node, so the count lives in Redis. */
@Injectable()
export class RedisSocketQuota extends SocketQuota {
  private readonly command: AdmitCommand;

  constructor(
    config: AppConfig,
    private readonly redis: RedisService,
  ) {
    super(config);
    const client = redis.client as unknown as Record<string, AdmitCommand | undefined>;
    if (!client.chatAdmitSocket)
      redis.client.defineCommand('chatAdmitSocket', { numberOfKeys: 1, lua: ADMIT });
    this.command = (...args) => client.chatAdmitSocket!(...args);
  }

  async admit({ userId, socketId }: SocketRef, now = Date.now()): Promise<boolean> {
    return (await this.command(key(userId), now, SOCKET_LEASE_MS, this.max, socketId)) === 1;
  }

  async release({ userId, socketId }: SocketRef): Promise<void> {
    await this.redis.client.zrem(key(userId), socketId);
  }

  /** One pipeline for the node's sockets; ZADD re-adds a lease Redis lost (a restart or a flush). */
  async renew(refs: readonly SocketRef[], now = Date.now()): Promise<void> {
    if (!refs.length) return;
    const pipeline = this.redis.client.pipeline();
    for (const { userId, socketId } of refs) {
      pipeline.zadd(key(userId), now + SOCKET_LEASE_MS, socketId);
      pipeline.pexpire(key(userId), SOCKET_LEASE_MS);
    }
    await pipeline.exec();
  }
}

const key = (userId: string) => `chat:sockets:{${userId}}`;
