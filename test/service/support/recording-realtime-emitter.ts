import { RealtimeEmitter, userRoom } from '../../../src/realtime/realtime-emitter';

interface RecordedEmit {
  rooms: readonly string[];
  event: string;
  payload: unknown;
  exceptSocketId?: string;
}

/**
 * A stand-in for the RealtimeEmitter port (there are no sockets in the service tier): it records what would
 * have gone out, and keeps the room memberships it was asked for, so a test can ask what the devices of a
 * user would have received, as Socket.IO would route it: an emit to a room reaches the users whose sockets
 * are in it, either their own room `user:<id>` or a room their sockets joined (a friend's presence room).
 */
export class RecordingRealtimeEmitter extends RealtimeEmitter {
  private readonly emits: RecordedEmit[] = [];
  /** Rooms the sockets of a room were made to join, by that room (`user:<id>` -> `presence:<friend>`). */
  private readonly joined = new Map<string, Set<string>>();
  private readonly disconnects: { of: string; except?: string }[] = [];
  private waiters: (() => boolean)[] = [];

  emit(rooms: readonly string[], event: string, payload: unknown, exceptSocketId?: string): void {
    this.emits.push({ rooms: [...rooms], event, payload, exceptSocketId });
    this.waiters = this.waiters.filter((done) => !done());
  }

  join(of: string, rooms: readonly string[]): void {
    const set = this.joined.get(of) ?? new Set<string>();
    rooms.forEach((r) => set.add(r));
    this.joined.set(of, set);
  }

  leave(of: string, rooms: readonly string[]): void {
    rooms.forEach((r) => this.joined.get(of)?.delete(r));
  }

  disconnect(of: string, except?: string): void {
    this.disconnects.push({ of, except });
  }

  broadcast(event: string, payload: unknown): void {
    this.emits.push({ rooms: ['*'], event, payload });
  }

  /** No socket is connected anywhere in the service tier. */
  connectedHere(): boolean {
    return false;
  }

  /** The payloads of `event` that would have reached the devices of `userId`, oldest first. */
  received<T>(userId: string, event: string): T[] {
    const rooms = this.roomsOf(userId);
    return this.emits
      .filter((e) => e.event === event && (e.rooms.includes('*') || e.rooms.some((r) => rooms.has(r))))
      .map((e) => e.payload as T);
  }

  /** Resolves with the payloads once at least `n` of `event` have reached `userId`; rejects after timeoutMs. */
  waitFor<T>(userId: string, event: string, n: number, timeoutMs = 5000): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`${userId} got ${this.received(userId, event).length} of ${n} ${event}`));
      }, timeoutMs);
      const check = (): boolean => {
        const got = this.received<T>(userId, event);
        if (got.length < n) return false;
        clearTimeout(timer);
        resolve(got);
        return true;
      };
      if (!check()) this.waiters.push(check);
    });
  }

  /** Whether every socket of `userId` was told to disconnect (a ban, a forced logout). */
  disconnected(userId: string): boolean {
    return this.disconnects.some((d) => d.of === userRoom(userId) && d.except === undefined);
  }

  private roomsOf(userId: string): Set<string> {
    const own = userRoom(userId);
    return new Set([own, ...(this.joined.get(own) ?? [])]);
  }
}
