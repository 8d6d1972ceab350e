import { io, Socket } from 'socket.io-client';
import { ChangeFollower, FollowOptions } from './change-follower';
import type { AckResult, ChatMessage, PresenceUpdate, SyncPage } from './types';

export interface ServerEvents {
  'message:new': (m: ChatMessage) => void;
  'presence:update': (p: PresenceUpdate) => void;
  typing: (t: { channelId: string; userId: string }) => void;
  read: (r: { channelId: string; userId: string; messageId: string }) => void;
  /** The node is shutting down: reconnect through GET /api/discovery/chat-node, then sync. */
  'server:draining': (d: { reason: string; reconnect: 'discovery' }) => void;
  /** Live events may have been lost (a pub/sub link dropped): sync from the cursor now (ChangeFollower does). */
  'sync:required': (d: Record<string, never>) => void;
  /** An operator's message to everyone connected. */
  'system:announcement': (a: { text: string; at: string }) => void;
}

export interface SendInput {
  clientMsgId: string;
  content: string;
  to?: string;
  channelId?: string;
}

/** The Socket.IO half of the client contract. */
export class ChatSocket {
  readonly socket: Socket;

  constructor(
    url: string,
    auth: { token: string; deviceId?: string },
    opts: { forceNew?: boolean; reconnection?: boolean } = {},
  ) {
    this.socket = io(url, {
      path: '/socket.io',
      auth,
      transports: ['websocket'],
      forceNew: opts.forceNew ?? true,
      reconnection: opts.reconnection ?? false,
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
    this.socket.on(event as string, fn as (...args: unknown[]) => void);
    return this;
  }

  send(input: SendInput, timeoutMs = 10_000): Promise<AckResult<{ message: ChatMessage }>> {
    return this.socket.timeout(timeoutMs).emitWithAck('message:send', input);
  }

  sync(q: { after?: string; limit?: number } = {}, timeoutMs = 10_000): Promise<AckResult<SyncPage>> {
    return this.socket.timeout(timeoutMs).emitWithAck('sync', q);
  }

  /** Follows the user's change log: live messages, and a catch-up sync on `sync:required` and reconnect. */
  follow(opts: FollowOptions): ChangeFollower {
    return new ChangeFollower(this, opts);
  }

  heartbeat(timeoutMs = 10_000): Promise<AckResult<object>> {
    return this.socket.timeout(timeoutMs).emitWithAck('presence:heartbeat', {});
  }

  /** Emits any event with any payload (tests use it for malformed input). */
  raw(event: string, ...args: unknown[]): Promise<unknown> {
    return this.socket.timeout(10_000).emitWithAck(event, ...args);
  }

  close(): void {
    this.socket.disconnect();
  }
}
