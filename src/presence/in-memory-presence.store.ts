import { HeartbeatEntry, isoOrNull, OfflineTransition, PresenceStore, UserPresence } from './presence.store';

interface Device {
  /** Latest activity seen (connect, heartbeat, disconnect). */
  seen: number;
  deadline: number;
}

interface OnlineUser {
  devices: Map<string, Device>;
  /** The latest device deadline: the user is due for the sweep once `now >= due`. */
  due: number;
}

/**
 * The embedded adapter: presence in this process's memory (ROLES=all without Redis). Every method runs
 * synchronously inside its promise, so concurrent sweeps in one process cannot interleave. The sweep scans
 * the online users, which is fine at embedded scale (a 10k-user scan per second is well under a millisecond).
 */
export class InMemoryPresenceStore extends PresenceStore {
  private readonly online = new Map<string, OnlineUser>();
  private readonly lastActive = new Map<string, number>();
  private readonly timeoutMs: number;

  constructor(options: { timeoutMs: number }) {
    super();
    this.timeoutMs = options.timeoutMs;
  }

  async connect(userId: string, deviceKey: string, now: number): Promise<{ cameOnline: boolean }> {
    return { cameOnline: this.touch(userId, deviceKey, now, now) };
  }

  async heartbeatBatch(entries: readonly HeartbeatEntry[], now: number): Promise<{ cameOnline: string[] }> {
    const cameOnline: string[] = [];
    for (const e of entries) {
      if (this.touch(e.userId, e.deviceKey, e.at ?? now, now)) cameOnline.push(e.userId);
    }
    return { cameOnline };
  }

  async disconnect(userId: string, deviceKey: string, now: number, graceMs: number): Promise<void> {
    const user = this.online.get(userId);
    const device = user?.devices.get(deviceKey);
    if (!user || !device) return;
    user.devices.set(deviceKey, { seen: Math.max(device.seen, now), deadline: now + graceMs });
    this.settle(user, now);
    this.noteActive(userId, now);
  }

  async sweep(now: number): Promise<OfflineTransition[]> {
    const due = [...this.online].filter(([, u]) => u.due <= now);
    // Same order as the Redis adapter: by deadline, then by id.
    due.sort(([a, ua], [b, ub]) => ua.due - ub.due || (a < b ? -1 : a > b ? 1 : 0));
    return due.map(([userId]) => {
      this.online.delete(userId);
      return { userId, lastActiveAt: isoOrNull(this.lastActive.get(userId)) };
    });
  }

  async status(userIds: readonly string[]): Promise<Map<string, UserPresence>> {
    return new Map(
      userIds.map((id) => [
        id,
        {
          status: this.online.has(id) ? 'online' : 'offline',
          lastActiveAt: isoOrNull(this.lastActive.get(id)),
        },
      ]),
    );
  }

  /** Records a connect or beat seen at `at`; true when it brought the user online. */
  async onlineCount(): Promise<number> {
    return this.online.size;
  }

  private touch(userId: string, deviceKey: string, at: number, now: number): boolean {
    if (at + this.timeoutMs <= now) return false;
    let user = this.online.get(userId);
    const known = user?.devices.get(deviceKey);
    if (known && at <= known.seen) return false;
    const cameOnline = !user;
    if (!user) {
      user = { devices: new Map(), due: 0 };
      this.online.set(userId, user);
    }
    user.devices.set(deviceKey, { seen: at, deadline: at + this.timeoutMs });
    this.settle(user, now);
    this.noteActive(userId, at);
    return cameOnline;
  }

  /**
   * Recomputes the user's due time. A device is kept until seen + timeout even when a disconnect cut its
   * deadline shorter: until then its `seen` rejects a beat flushed after the disconnect.
   */
  private settle(user: OnlineUser, now: number): void {
    user.due = Math.max(...[...user.devices.values()].map((d) => d.deadline));
    for (const [key, d] of user.devices) if (d.seen + this.timeoutMs <= now) user.devices.delete(key);
  }

  private noteActive(userId: string, at: number): void {
    this.lastActive.set(userId, Math.max(at, this.lastActive.get(userId) ?? -Infinity));
  }
}
