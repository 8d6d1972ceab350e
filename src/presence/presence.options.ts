import type { AppConfig } from '../config/app-config';

export const PRESENCE_OPTIONS = Symbol('PRESENCE_OPTIONS');

export interface PresenceOptions {
  /** PRESENCE_TIMEOUT_MS: a device is live until its last connect/heartbeat plus this. */
  timeoutMs: number;
  /** How long a cleanly disconnected device still counts as live (a reload or a hop to another node). */
  disconnectGraceMs: number;
  /** How often a chat node sends its buffered heartbeats to the store, in one call. */
  flushIntervalMs: number;
  /** How often the presence role sweeps for users whose devices are all past their deadlines. */
  sweepIntervalMs: number;
  /** Redis key prefix; tests give each run its own. */
  keyPrefix: string;
  /**
   * Redis slots the state is spread over (hash tags `{0}`..`{n-1}`). 1 on a single server; on Redis Cluster,
   * a multiple of the primary count, so each primary holds some shards (see redis-presence.store.ts).
   */
  shards: number;
  /** How long Redis keeps an offline user's lastActiveAt; after that the relational last_active_at answers. */
  offlineRetentionMs: number;
  /** The clock the batcher and sweeper stamp with. */
  clock: () => number;
}

/**
 * Options from the validated config. The flush and sweep periods shrink with a short timeout (tests run
 * with a few seconds), so a live device is always reported well before its deadline.
 */
export function presenceOptions(
  config: AppConfig,
  overrides: Partial<PresenceOptions> = {},
): PresenceOptions {
  const timeoutMs = overrides.timeoutMs ?? config.presenceTimeoutMs;
  const options: PresenceOptions = {
    timeoutMs,
    disconnectGraceMs: Math.min(5_000, Math.floor(timeoutMs / 4)),
    flushIntervalMs: Math.min(5_000, Math.floor(timeoutMs / 4)),
    sweepIntervalMs: Math.min(1_000, Math.floor(timeoutMs / 4)),
    keyPrefix: 'chat:presence',
    shards: 1,
    offlineRetentionMs: 7 * 24 * 3600 * 1000,
    clock: Date.now,
    ...overrides,
  };
  if (options.flushIntervalMs * 2 > options.timeoutMs) {
    throw new Error(
      `presence: flushIntervalMs (${options.flushIntervalMs}) must be at most half of timeoutMs (${options.timeoutMs})`,
    );
  }
  if (!Number.isInteger(options.shards) || options.shards < 1) {
    throw new Error(`presence: shards must be a positive integer (got ${options.shards})`);
  }
  return options;
}
