import { io, Socket } from 'socket.io-client';
import { ChangeFollower, FollowOptions } from './change-follower';
import type {
  AckOf,
  ClientEvents,
  EditTarget,
  HandshakeAuth,
  MessageTarget,
  ReactionTarget,
  ReadTarget,
  SendInput,
  ServerEvents,
  SyncQuery,
} from './contract';

export interface ChatSocketOptions {
  forceNew?: boolean;
  /** Socket.IO's own reconnect (exponential backoff with jitter). Off here; `ChatClient` turns it on. */
  reconnection?: boolean;
  reconnectionDelay?: number;
  reconnectionDelayMax?: number;
  /** Connect at once (the default) or on `socket.connect()`. */
  autoConnect?: boolean;
}

/**
 * The Socket.IO half of the client contract: one socket to one chat node, every event typed. `auth` may be a
 * function, asked again on every (re)connect, so a reconnect presents the current token. `ChatClient` builds
 * on this one with reconnect, token refresh, discovery and sync; tests and the benchmark use it directly.
 */
export class ChatSocket {
  readonly socket: Socket<ServerEvents, ClientEvents>;

  constructor(
    readonly url: string,
    auth: HandshakeAuth | (() => Promise<HandshakeAuth>),
    opts: ChatSocketOptions = {},
  ) {
    this.socket = io(url, {
      path: '/socket.io',
      auth:
        typeof auth === 'function'
          ? (cb: (data: object) => void) => void auth().then(cb, () => cb({}))
          : auth,
      transports: ['websocket'],
      forceNew: opts.forceNew ?? true,
      reconnection: opts.reconnection ?? false,
      reconnectionDelay: opts.reconnectionDelay ?? 500,
      reconnectionDelayMax: opts.reconnectionDelayMax ?? 10_000,
      randomizationFactor: 0.5,
      autoConnect: opts.autoConnect ?? true,
    });
  }

  /** Resolves once connected; rejects with the server's connect_error message (e.g. "unauthorized"). */
  connected(): Promise<this> {
    if (this.socket.connected) return Promise.resolve(this);
    return new Promise((resolve, reject) => {
      const ok = () => {
        this.socket.off('connect_error', bad);
        resolve(this);
      };
      const bad = (e: Error) => {
        this.socket.off('connect', ok);
        reject(e);
      };
      this.socket.once('connect', ok);
      this.socket.once('connect_error', bad);
    });
  }

  on<E extends keyof ServerEvents>(event: E, fn: ServerEvents[E]): this {
    // socket.io-client's listener type cannot be resolved for a generic event name; ServerEvents[E] is it.
    this.socket.on(event, fn as never);
    return this;
  }

  send(input: SendInput, timeoutMs = 10_000): Promise<AckOf<'message:send'>> {
    return this.socket.timeout(timeoutMs).emitWithAck('message:send', input);
  }

  /** Edits a message (its sender only); every device of every member gets `message:updated`. */
  edit(target: EditTarget, timeoutMs = 10_000): Promise<AckOf<'message:edit'>> {
    return this.socket.timeout(timeoutMs).emitWithAck('message:edit', target);
  }

  /** Deletes a message (its sender, or a group's owner or admin); answers the tombstone. */
  delete(target: MessageTarget, timeoutMs = 10_000): Promise<AckOf<'message:delete'>> {
    return this.socket.timeout(timeoutMs).emitWithAck('message:delete', target);
  }

  react(target: ReactionTarget, timeoutMs = 10_000): Promise<AckOf<'reaction:add'>> {
    return this.socket.timeout(timeoutMs).emitWithAck('reaction:add', target);
  }

  unreact(target: ReactionTarget, timeoutMs = 10_000): Promise<AckOf<'reaction:remove'>> {
    return this.socket.timeout(timeoutMs).emitWithAck('reaction:remove', target);
  }

  /** Tells the channel's other members this user is typing; call it at most every 2 s while typing. */
  typing(channelId: string, timeoutMs = 10_000): Promise<AckOf<'typing'>> {
    return this.socket.timeout(timeoutMs).emitWithAck('typing', { channelId });
  }

  /** Moves this user's read marker in a channel forward; every device of every member gets `read`. */
  read(target: ReadTarget, timeoutMs = 10_000): Promise<AckOf<'read'>> {
    return this.socket.timeout(timeoutMs).emitWithAck('read', target);
  }

  /** Another member is typing (show it for about 6 s). */
  onTyping(fn: ServerEvents['typing']): this {
    return this.on('typing', fn);
  }

  /** A member's read marker moved: a receipt (or, for this user's own devices, read-state sync). */
  onRead(fn: ServerEvents['read']): this {
    return this.on('read', fn);
  }

  /** A message was edited, deleted or reacted to: upsert it by id; `changeId` moves the cursor. */
  onUpdated(fn: ServerEvents['message:updated']): this {
    return this.on('message:updated', fn);
  }

  sync(q: SyncQuery = {}, timeoutMs = 10_000): Promise<AckOf<'sync'>> {
    return this.socket.timeout(timeoutMs).emitWithAck('sync', q);
  }

  /** Follows the user's change log: live messages, and a catch-up sync on `sync:required` and reconnect. */
  follow(opts: FollowOptions): ChangeFollower {
    return new ChangeFollower(this, opts);
  }

  heartbeat(timeoutMs = 10_000): Promise<AckOf<'presence:heartbeat'>> {
    return this.socket.timeout(timeoutMs).emitWithAck('presence:heartbeat', {});
  }

  /** Emits any event with any payload and waits for its ack (tests use it for malformed input). */
  raw(event: string, ...args: unknown[]): Promise<unknown> {
    return this.untyped()
      .timeout(10_000)
      .emitWithAck(event, ...args);
  }

  /** Emits any event with any payload and no ack callback (tests use it for malformed input). */
  rawNoAck(event: string, ...args: unknown[]): void {
    this.untyped().emit(event, ...args);
  }

  close(): void {
    this.socket.disconnect();
  }

  private untyped(): Socket {
    return this.socket as unknown as Socket;
  }
}
