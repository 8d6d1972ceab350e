/**
 * The collapse window of one user in one channel. The first message to an offline user opens it and
 * enqueues the one push job of the window; messages while it is open add nothing, and the job counts them
 * when it runs. A window is anchored on its first message, so a burst never straddles two fixed windows.
 *
 * Adapters: Redis (SET NX PX, shared by every process that enqueues) and in-process memory (embedded);
 * both run test/contract/push-collapse-gate.contract.spec.ts.
 */
export abstract class PushCollapseGate {
  /** Opens the window for `ttlMs` and returns true, or returns false if it is already open. */
  abstract tryOpen(userId: string, channelId: string, ttlMs: number): Promise<boolean>;

  /** Closes the window early (its job could not be enqueued, so the next message must try again). */
  abstract close(userId: string, channelId: string): Promise<void>;
}

/** One key per (user, channel); the newline cannot occur in either id. */
export const gateKey = (userId: string, channelId: string) => `${userId}\n${channelId}`;
