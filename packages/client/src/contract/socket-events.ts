import type { AckResult } from './errors';
import type {
  EditTarget,
  Message,
  MessageTarget,
  MessageUpdate,
  ReactionTarget,
  ReadSignal,
  ReadTarget,
  SendInput,
  SyncPage,
  SyncQuery,
  TypingInput,
  TypingSignal,
} from './messages';
import type { PresenceUpdate } from './rest';

/** `io(url, {auth})`: a bad or expired token gets `connect_error` "unauthorized". */
export interface HandshakeAuth {
  token: string;
  /** The client's id for this device, 1 to 128 characters of `A-Z a-z 0-9 . _ : -`. */
  deviceId?: string;
}

/** Events a client emits, each with its payload and the ack it is answered with. */
export interface ClientEvents {
  'message:send': (input: SendInput, ack: (answer: AckResult<{ message: Message }>) => void) => void;
  sync: (query: SyncQuery, ack: (answer: AckResult<SyncPage>) => void) => void;
  'presence:heartbeat': (payload: Record<string, never>, ack: (answer: AckResult) => void) => void;
  /** Sender only; answers the edited message. */
  'message:edit': (input: EditTarget, ack: (answer: AckResult<{ message: Message }>) => void) => void;
  /** The sender, or a group's owner or admin; answers the tombstone (again on a repeat). */
  'message:delete': (input: MessageTarget, ack: (answer: AckResult<{ message: Message }>) => void) => void;
  'reaction:add': (input: ReactionTarget, ack: (answer: AckResult<{ message: Message }>) => void) => void;
  'reaction:remove': (input: ReactionTarget, ack: (answer: AckResult<{ message: Message }>) => void) => void;
  /** Members only; a repeat within 2 s is acked and not re-emitted. */
  typing: (input: TypingInput, ack: (answer: AckResult) => void) => void;
  /** Members only; moves the user's read marker forward (an older or equal one is acked, changes nothing). */
  read: (input: ReadTarget, ack: (answer: AckResult) => void) => void;
}

export type ClientEventName = keyof ClientEvents;
/** The ack a client event is answered with. */
export type AckOf<E extends ClientEventName> = Parameters<Parameters<ClientEvents[E]>[1]>[0];

/** The node is shutting down: reconnect through `GET /api/discovery/chat-node`, then sync. */
export interface DrainingNotice {
  reason: string;
  reconnect: 'discovery';
}

/** An operator's message to everyone connected. */
export interface Announcement {
  text: string;
  /** ISO-8601. */
  at: string;
}

/** Events the server emits. */
export interface ServerEvents {
  /** To every device of every member; the sending socket gets the message in its ack instead. */
  'message:new': (message: Message) => void;
  /** An edit, a delete or a reaction change, to every device of every member (the acting one too). */
  'message:updated': (update: MessageUpdate) => void;
  /** Another member is typing in a channel. */
  typing: (signal: TypingSignal) => void;
  /** A member's read marker moved (a receipt; for the reader's own devices, read-state sync). */
  read: (signal: ReadSignal) => void;
  'presence:update': (update: PresenceUpdate) => void;
  'server:draining': (notice: DrainingNotice) => void;
  /** Live events may have been lost (a pub/sub link dropped): sync from the cursor now. */
  'sync:required': (notice: Record<string, never>) => void;
  'system:announcement': (announcement: Announcement) => void;
}

export type ServerEventName = keyof ServerEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerEvents[E]>[0];
