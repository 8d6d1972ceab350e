import type { ChainableCommander, Redis } from 'ioredis';
import { DISCONNECT, SWEEP, TOUCH } from './redis-presence.scripts';
import { HeartbeatEntry, isoOrNull, OfflineTransition, PresenceStore, UserPresence } from './presence.store';

export interface RedisPresenceStoreOptions {
  timeoutMs: number;
  keyPrefix?: string;
  shards?: number;
  offlineRetentionMs?: number;
  /** Entries per script call: bounds how long one call holds Redis (~a few µs per entry). */
  heartbeatChunk?: number;
  /** Users per sweep script call; a sweep repeats the call until each shard is caught up... */
  sweepChunk?: number;
  /** ...or for this many rounds, leaving the rest to the next sweep (bounds one call in a mass offline). */
  sweepRounds?: number;
}

interface Scripts<R> {
  presenceTouch(due: string, devices: string, last: string, ...argv: (string | number)[]): R;
  presenceDisconnect(due: string, devices: string, last: string, ...argv: (string | number)[]): R;
  presenceSweep(due: string, devices: string, last: string, ...argv: (string | number)[]): R;
}
type ScriptPipeline = ChainableCommander & Scripts<ScriptPipeline>;

/**
 * The distributed adapter. Per shard, three keys under one hash tag (layout in redis-presence.scripts.ts):
 * `due` (ZSET user -> latest device deadline; membership is "online"), `devices` (HASH user -> JSON of recent
 * devices) and `last` (ZSET user -> lastActiveAt). A user lives in the shard `fnv1a(userId) % shards`.
 * The sweep is ZRANGEBYSCORE over `due`: O(log n + expired), never a scan of the online users. Every write is
 * one Lua script on one shard, so each user's transition is atomic and two sweepers cannot both report it.
 *
 * Redis Cluster: the scripts already touch only their declared keys, all in one slot, so they run unchanged.
 * What changes: RedisService must hand out an ioredis `Cluster` instead of `Redis`; `shards` goes from 1 (all
 * presence on one slot, hence one primary) to a few times the primary count (e.g. 64) so load spreads; and
 * the per-shard calls below, now one pipeline, must become per-node pipelines (ioredis refuses cross-slot
 * pipelines on a Cluster; parallel calls with `enableAutoPipelining` give one round trip per node).
 */
export class RedisPresenceStore extends PresenceStore {
  private readonly timeoutMs: number;
  private readonly prefix: string;
  private readonly shards: number;
  private readonly retentionMs: number;
  private readonly heartbeatChunk: number;
  private readonly sweepChunk: number;
  private readonly sweepRounds: number;

  constructor(
    private readonly redis: Redis,
    options: RedisPresenceStoreOptions,
  ) {
    super();
    this.timeoutMs = options.timeoutMs;
    this.prefix = options.keyPrefix ?? 'chat:presence';
    this.shards = options.shards ?? 1;
    this.retentionMs = options.offlineRetentionMs ?? 7 * 24 * 3600 * 1000;
    this.heartbeatChunk = options.heartbeatChunk ?? 500;
    this.sweepChunk = options.sweepChunk ?? 500;
    this.sweepRounds = options.sweepRounds ?? 100;
    redis.defineCommand('presenceTouch', { numberOfKeys: 3, lua: TOUCH });
    redis.defineCommand('presenceDisconnect', { numberOfKeys: 3, lua: DISCONNECT });
    redis.defineCommand('presenceSweep', { numberOfKeys: 3, lua: SWEEP });
  }

  async connect(userId: string, deviceKey: string, now: number): Promise<{ cameOnline: boolean }> {
    const { cameOnline } = await this.heartbeatBatch([{ userId, deviceKey, at: now }], now);
    return { cameOnline: cameOnline.length > 0 };
  }

  async heartbeatBatch(entries: readonly HeartbeatEntry[], now: number): Promise<{ cameOnline: string[] }> {
    if (entries.length === 0) return { cameOnline: [] };
    const byShard = new Map<number, (string | number)[][]>();
    for (const e of entries) {
      const shard = this.shardOf(e.userId);
      const chunks = byShard.get(shard) ?? [[]];
      byShard.set(shard, chunks);
      if (chunks[chunks.length - 1].length >= this.heartbeatChunk * 3) chunks.push([]);
      chunks[chunks.length - 1].push(e.userId, e.deviceKey, ms(e.at ?? now));
    }
    const p = this.pipeline();
    for (const [shard, chunks] of byShard) {
      for (const argv of chunks) p.presenceTouch(...this.keys(shard), ms(now), this.timeoutMs, ...argv);
    }
    const replies = await execAll(p);
    return { cameOnline: replies.flatMap((r) => (r as string[]).map(String)) };
  }

  async disconnect(userId: string, deviceKey: string, now: number, graceMs: number): Promise<void> {
    await this.scripts().presenceDisconnect(
      ...this.keys(this.shardOf(userId)),
      ms(now),
      userId,
      deviceKey,
      ms(now + graceMs),
      this.timeoutMs,
    );
  }

  async sweep(now: number): Promise<OfflineTransition[]> {
    const out: OfflineTransition[] = [];
    const cutoff = ms(now - this.retentionMs);
    let pending = Array.from({ length: this.shards }, (_, s) => s);
    for (let round = 0; round < this.sweepRounds && pending.length > 0; round++) {
      const p = this.pipeline();
      for (const s of pending) p.presenceSweep(...this.keys(s), ms(now), this.sweepChunk, cutoff);
      const replies = (await execAll(p)) as string[][];
      pending = pending.filter((_, i) => replies[i].length / 2 >= this.sweepChunk);
      for (const flat of replies) {
        for (let i = 0; i < flat.length; i += 2) {
          out.push({ userId: String(flat[i]), lastActiveAt: isoOrNull(score(flat[i + 1])) });
        }
      }
    }
    return out;
  }

  async status(userIds: readonly string[]): Promise<Map<string, UserPresence>> {
    const byShard = new Map<number, string[]>();
    for (const id of new Set(userIds)) {
      const shard = this.shardOf(id);
      byShard.set(shard, [...(byShard.get(shard) ?? []), id]);
    }
    const result = new Map<string, UserPresence>();
    if (byShard.size === 0) return result;
    const p = this.pipeline();
    for (const [shard, ids] of byShard) {
      const [due, , last] = this.keys(shard);
      p.zmscore(due, ...ids).zmscore(last, ...ids);
    }
    const replies = (await execAll(p)) as unknown[][];
    let i = 0;
    for (const ids of byShard.values()) {
      const [dues, lasts] = [replies[i++], replies[i++]];
      ids.forEach((id, j) => {
        result.set(id, {
          status: score(dues[j]) === undefined ? 'offline' : 'online',
          lastActiveAt: isoOrNull(score(lasts[j])),
        });
      });
    }
    return result;
  }

  async onlineCount(): Promise<number> {
    const p = this.redis.pipeline();
    for (let shard = 0; shard < this.shards; shard++) p.zcard(this.keys(shard)[0]);
    const replies = (await p.exec()) ?? [];
    return replies.reduce((sum, [err, n]) => sum + (err ? 0 : Number(n)), 0);
  }

  private keys(shard: number): [string, string, string] {
    const base = `${this.prefix}:{${shard}}`;
    return [`${base}:due`, `${base}:devices`, `${base}:last`];
  }

  private shardOf(userId: string): number {
    if (this.shards === 1) return 0;
    let h = 0x811c9dc5;
    for (let i = 0; i < userId.length; i++) h = Math.imul(h ^ userId.charCodeAt(i), 0x01000193);
    return (h >>> 0) % this.shards;
  }

  private scripts(): Scripts<Promise<unknown>> {
    return this.redis as unknown as Scripts<Promise<unknown>>;
  }

  private pipeline(): ScriptPipeline {
    return this.redis.pipeline() as ScriptPipeline;
  }
}

/** Epoch ms as the integral string the scripts expect. */
function ms(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`presence: not a time: ${n}`);
  return Math.floor(n).toFixed(0);
}

/** A score reply (string under RESP2 and legacy RESP3, number under RESP3 mapping) as a number. */
function score(v: unknown): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

async function execAll(p: ChainableCommander): Promise<unknown[]> {
  const results = (await p.exec()) ?? [];
  const failed = results.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
  return results.map(([, r]) => r);
}
