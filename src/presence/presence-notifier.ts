import { Injectable } from '@nestjs/common';
import { presenceRoom, RealtimeEmitter, userRoom } from '../realtime/realtime-emitter';
import type { PresenceView } from './presence-query.service';

/**
 * Fans presence changes out to friends: every socket joins `presence:<friendId>` for each friend, so a
 * change of A is one emit to `presence:A`, whoever and wherever A's friends are.
 */
@Injectable()
export class PresenceNotifier {
  constructor(private readonly realtime: RealtimeEmitter) {}

  changed(update: PresenceView): void {
    this.realtime.emit([presenceRoom(update.userId)], 'presence:update', update);
  }

  /** Tells one user's devices the current presence of some users (e.g. a friend just added). */
  tell(userId: string, updates: readonly PresenceView[]): void {
    for (const u of updates) this.realtime.emit([userRoom(userId)], 'presence:update', u);
  }

  /** A new friendship: each side's sockets, on every node, start following the other's presence. */
  follow(a: string, b: string): void {
    this.realtime.join(userRoom(a), [presenceRoom(b)]);
    this.realtime.join(userRoom(b), [presenceRoom(a)]);
  }

  unfollow(a: string, b: string): void {
    this.realtime.leave(userRoom(a), [presenceRoom(b)]);
    this.realtime.leave(userRoom(b), [presenceRoom(a)]);
  }
}
