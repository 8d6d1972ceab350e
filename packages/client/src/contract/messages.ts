export type ChannelType = 'dm' | 'group';

/**
 * A message as clients see it (DESIGN.md section 6). Ids are decimal strings of 64-bit Snowflakes: compare
 * them as BigInt, never as JS numbers. A DM's channel id is `dm:<lower user id>:<higher user id>`.
 */
export interface Message {
  id: string;
  channelId: string;
  channelType: ChannelType;
  senderId: string;
  content: string;
  clientMsgId: string;
  /** ISO-8601. */
  createdAt: string;
  /** ISO-8601; set once the sender edited it (section 6b). */
  editedAt?: string;
  /** ISO-8601; set once deleted: `content` is then `""`, the text erased from every store. */
  deletedAt?: string;
  /** Absent (or empty) when none; emoji in the order first reacted, user ids in the order they reacted. */
  reactions?: Reaction[];
}

export interface Reaction {
  /** 1 to 32 characters, no whitespace. */
  emoji: string;
  userIds: string[];
}

/** `message:send`: exactly one of `to` (a user id, for a DM) and `channelId`. */
export interface SendInput {
  /** 1 to 64 characters, unique per sender for 24 h: a resend with the same one gets the stored message. */
  clientMsgId: string;
  content: string;
  to?: string;
  channelId?: string;
}

/** `GET /api/sync` and the socket's `sync`: inbox entries after a cursor, ascending. */
export interface SyncQuery {
  after?: string;
  limit?: number;
}

/**
 * `GET /api/sync` and the socket's `sync` (section 6b): each message created or changed after `after`, at most
 * once per page, in its current state, ordered by its latest change.
 */
export interface SyncPage {
  messages: Message[];
  /** Read markers that moved after `after` in the user's channels, the latest per (channel, user). */
  receipts: Receipt[];
  /** The highest change id the page covers: send it as `after` next time. */
  cursor: string;
  hasMore: boolean;
}

/** A user's read marker in a channel: they have read up to and including `messageId`. */
export interface Receipt {
  channelId: string;
  userId: string;
  messageId: string;
}

/** `PATCH /api/channels/:channelId/messages/:messageId`: the new text (same limits as a send). */
export interface EditInput {
  content: string;
}

/** The socket's `message:delete` (and the target of an edit or a reaction). */
export interface MessageTarget {
  channelId: string;
  messageId: string;
}

/** The socket's `message:edit`. */
export interface EditTarget extends MessageTarget {
  content: string;
}

/** The socket's `reaction:add` and `reaction:remove`. */
export interface ReactionTarget extends MessageTarget {
  /** 1 to 32 characters, no whitespace; at most 20 different emoji on a message. */
  emoji: string;
}

/** `message:updated`: a message was edited, deleted or reacted to; `changeId` is a cursor like any other. */
export interface MessageUpdate {
  changeId: string;
  message: Message;
}

/** `GET /api/channels/:channelId/messages`: a channel's history, newest first. */
export interface HistoryQuery {
  before?: string;
  limit?: number;
}

export interface HistoryPage {
  messages: Message[];
  /** Pass as `before` for the next older page; null on the oldest. */
  nextBefore: string | null;
}

/** The socket's `typing`: the user is typing in this channel (never stored, never in sync). */
export interface TypingInput {
  channelId: string;
}

/** `typing` to the other members' devices; clients show it for about 6 s. */
export interface TypingSignal {
  channelId: string;
  userId: string;
}

/** The socket's `read`: the user has read the channel up to and including `messageId` (section 6b). */
export interface ReadTarget {
  channelId: string;
  messageId: string;
}

/** `POST /api/channels/:channelId/read`. */
export interface ReadInput {
  messageId: string;
}

/**
 * `read` to every device of every member when a read marker moves: a receipt for the others, read-state sync
 * for the reader's own devices. `changeId` is a cursor like any other.
 */
export interface ReadSignal {
  channelId: string;
  userId: string;
  messageId: string;
  changeId: string;
}

/** `GET /api/channels`: `before` is a previous page's `nextBefore` (an opaque activity cursor). */
export interface ConversationQuery {
  limit?: number;
  before?: string;
}

/** One entry of the conversation list (section 6b). */
export interface Conversation {
  channelId: string;
  channelType: ChannelType;
  /** The group's name, or the DM peer's display name. */
  name: string;
  /** The other user of a DM; null for a group. */
  peer: { id: string; username: string; displayName: string } | null;
  /** The newest message (a tombstone if it was deleted), or null for a group with none. */
  lastMessage: Message | null;
  /** Messages after `readUpTo` that others sent and that are not deleted; exact up to 1,000 (capped there). */
  unreadCount: number;
  /** The user's read marker (a message id), or null. */
  readUpTo: string | null;
  /** ISO-8601: the newest message's time or, for a group with none, when the user joined. */
  lastActivityAt: string;
}

/** Most recent activity first; pass `nextBefore` as `before` for the next page, null on the last. */
export interface ConversationPage {
  channels: Conversation[];
  nextBefore: string | null;
}
