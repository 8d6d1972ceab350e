/** One heartbeat as a chat node saw it. `at` (epoch ms) is when the node saw it; it defaults to the batch's `now`. */
export interface HeartbeatEntry {
  userId: string;
  deviceKey: string;
  at?: number;
}

export type PresenceStatus = 'online' | 'offline';

export interface UserPresence {
  status: PresenceStatus;
  /** ISO-8601; null when the store has no record of the user (never seen, or forgotten after retention). */
  lastActiveAt: string | null;
}

export interface OfflineTransition {
  userId: string;
  lastActiveAt: string | null;
}

/**
 * The presence port: which users are online, and since when they were last active.
 *
 * Semantics, shared by every adapter (see test/contract/presence-store.contract.ts):
 * - A device (one connection: use the socket id as `deviceKey`, so two tabs never share one) has a
 *   deadline. A connect or heartbeat seen at `t` makes it live until `t + timeoutMs` (the store's configured
 *   PRESENCE_TIMEOUT_MS); a clean disconnect at `t` cuts it to `t + graceMs`. Live means `now < deadline`.
 * - A user goes online on the first connect or heartbeat while offline (reported to that caller, once), and
 *   offline only through `sweep`, once every device is past its deadline (reported to one sweeper, once).
 *   Between the last deadline and the sweep the user still reads as online, so a reconnect in that window
 *   continues the session: there is never an offline without a matching earlier online, nor two in a row.
 * - `lastActiveAt` is the latest connect, heartbeat or disconnect time seen for any of the user's devices.
 * - Every method takes `now` (epoch ms) from the caller, so tests need no sleeps. Across hosts these are
 *   wall clocks: NTP-level skew shifts an offline by that much, which is small against a 30 s timeout.
 * - `timeoutMs` must exceed the client's heartbeat interval plus the node's flush interval with margin
 *   (10 s + 5 s against 30 s by default), or live users flicker.
 */
export abstract class PresenceStore {
  /** Marks a device live now. `cameOnline` is true iff the user was offline before this call. */
  abstract connect(userId: string, deviceKey: string, now: number): Promise<{ cameOnline: boolean }>;

  /**
   * Marks many devices live in one round trip. An entry older than its device's latest recorded activity
   * (a beat flushed after the disconnect it preceded) is ignored, as is one already past `at + timeoutMs`.
   * A beat for an offline user brings them back online (a socket that outlived a network drop): those
   * users are returned, so the caller can announce them as it does for `connect`.
   */
  abstract heartbeatBatch(entries: readonly HeartbeatEntry[], now: number): Promise<{ cameOnline: string[] }>;

  /** A clean disconnect: the device's deadline becomes `now + graceMs`. Unknown devices are ignored. */
  abstract disconnect(userId: string, deviceKey: string, now: number, graceMs: number): Promise<void>;

  /**
   * Moves every online user whose devices are all past their deadlines at `now` to offline and returns
   * them. Safe with several sweepers at once: each transition is returned by exactly one call.
   */
  abstract sweep(now: number): Promise<OfflineTransition[]>;

  /** Status of each given user; users the store has no record of are offline with a null lastActiveAt. */
  abstract status(userIds: readonly string[]): Promise<Map<string, UserPresence>>;

  /** Users online now (for operators' stats). */
  abstract onlineCount(): Promise<number>;
}

/** Epoch ms to ISO-8601, or null. */
export function isoOrNull(ms: number | undefined): string | null {
  return ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}
