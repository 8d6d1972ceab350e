import type { ServerEventName, ServerEventPayload, ServerEvents } from '../contract';

/** Room of all sockets of one user, on every node. */
export const userRoom = (userId: string) => `user:${userId}`;
/** Room that receives the presence changes of one user (joined by the sockets of their friends). */
export const presenceRoom = (userId: string) => `presence:${userId}`;
/** Room of the sockets opened with the access tokens of one session (refresh-token family). */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * The port every role uses to reach sockets: emits the contract's server events to rooms and moves sockets
 * between rooms, on every node. A chat node does it through its Socket.IO server (with the Redis adapter
 * when distributed); roles without sockets (worker, presence) through the Socket.IO Redis emitter.
 */
export abstract class RealtimeEmitter {
  abstract emit<E extends ServerEventName>(
    rooms: readonly string[],
    event: E,
    payload: ServerEventPayload<E>,
    exceptSocketId?: string,
  ): void;
  /** Makes every socket in room `of` join `rooms` (e.g. a user's sockets join a friend's presence room). */
  abstract join(of: string, rooms: readonly string[]): void;
  abstract leave(of: string, rooms: readonly string[]): void;
  /** Disconnects every socket in room `of` except those in room `except` (bans, ended sessions). */
  abstract disconnect(of: string, except?: string): void;
  /** Emits to every connected socket on every node (system announcements). */
  abstract broadcast<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): void;
  /** Whether the user has a socket on this very node (no network call); false where there are no sockets. */
  abstract connectedHere(userId: string): boolean;
}

/**
 * A payload as the argument list of Socket.IO's typed `emit`. Every server event carries exactly one
 * payload, which TypeScript cannot see through a generic event name.
 */
export const eventArgs = <E extends ServerEventName>(payload: ServerEventPayload<E>) =>
  [payload] as Parameters<ServerEvents[E]>;
