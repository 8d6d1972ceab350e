import { padId, unpadId } from '../../ids/padded-id';
import type { Message, Reaction } from '../message';
import type { ChangeEntry, ChangeKind, ContentUpdate, MessageRef } from './history.store';
import { bucketOf } from './history.store';

/**
 * The SQL both relational history adapters share (SqlHistoryStore through TypeORM, SqliteHistoryStore through
 * prepared statements), with `?` placeholders (SqlHistoryStore numbers them for Postgres). Booleans are
 * written TRUE/FALSE, which both engines read.
 */
const MESSAGE_COLUMNS =
  'message_id AS "messageId", channel_id AS "channelId", channel_type AS "channelType", sender_id AS "senderId", ' +
  'content, client_msg_id AS "clientMsgId", created_at AS "createdAt", edited_at AS "editedAt", ' +
  'deleted_at AS "deletedAt", reacted';

/** Above every padded id: the upper bound of a channel page with no `before`. */
export const NO_UPPER_ID = '99999999999999999999';

export const HISTORY_SQL = {
  insertMessage:
    'INSERT OR IGNORE INTO messages_by_channel (channel_id, message_id, bucket, channel_type, sender_id, content, client_msg_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  insertChange:
    'INSERT OR IGNORE INTO inbox_by_user (user_id, change_id, bucket, channel_id, channel_type, kind, message_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
  get: `SELECT ${MESSAGE_COLUMNS} FROM messages_by_channel WHERE channel_id = ? AND message_id = ?`,
  channelPage: `SELECT ${MESSAGE_COLUMNS} FROM messages_by_channel WHERE channel_id = ? AND message_id < ? ORDER BY message_id DESC LIMIT ?`,
  changesPage:
    'SELECT change_id AS "changeId", kind, channel_id AS "channelId", channel_type AS "channelType", message_id AS "messageId" ' +
    'FROM inbox_by_user WHERE user_id = ? AND change_id > ? ORDER BY change_id ASC LIMIT ?',
  /** Parameters: content, editedAt, deletedAt (null keeps the stored one), channel id, message id. */
  updateContent:
    'UPDATE messages_by_channel SET content = ?, edited_at = COALESCE(?, edited_at), deleted_at = COALESCE(?, deleted_at) WHERE channel_id = ? AND message_id = ?',
  /** Runs before a reaction is turned on: a flag without a reaction only costs a read, the reverse hides it. */
  markReacted:
    'UPDATE messages_by_channel SET reacted = TRUE WHERE channel_id = ? AND message_id = ? AND NOT reacted',
  /** Turns a reaction on; one already on keeps its place (its change id) in the order users reacted. */
  reactionOn:
    'INSERT INTO message_reactions (channel_id, message_id, emoji, user_id, active, change_id) VALUES (?, ?, ?, ?, TRUE, ?) ' +
    'ON CONFLICT (channel_id, message_id, emoji, user_id) DO UPDATE SET active = TRUE, change_id = excluded.change_id WHERE NOT message_reactions.active',
  /** Parameters: change id, channel id, message id, emoji, user id. A reaction never on stays absent. */
  reactionOff:
    'UPDATE message_reactions SET active = FALSE, change_id = ? WHERE channel_id = ? AND message_id = ? AND emoji = ? AND user_id = ? AND active',
  /** channel, after, up to, reader, cap (padded ids). */
  countUnread:
    'SELECT COUNT(*) AS "n" FROM (SELECT 1 FROM messages_by_channel WHERE channel_id = ? AND message_id > ? AND message_id <= ? ' +
    'AND sender_id <> ? AND deleted_at IS NULL LIMIT ?) t',
  reactionsOf:
    'SELECT channel_id AS "channelId", message_id AS "messageId", emoji, user_id AS "userId" FROM message_reactions ' +
    'WHERE channel_id = ? AND message_id = ? AND active ORDER BY change_id',
};

/** A `messages_by_channel` row as HISTORY_SQL reads it. */
export interface StoredMessage {
  messageId: string;
  channelId: string;
  channelType: string;
  senderId: string;
  content: string;
  clientMsgId: string;
  createdAt: string | number;
  editedAt: string | number | null;
  deletedAt: string | number | null;
  reacted: boolean | number;
}

/** A `message_reactions` row as HISTORY_SQL reads it, in change order. */
export interface StoredReaction {
  channelId: string;
  messageId: string;
  emoji: string;
  userId: string;
}

/** An `inbox_by_user` row as HISTORY_SQL reads it; legacy rows have no kind and no message id. */
export interface StoredChange {
  changeId: string;
  kind: string | null;
  channelId: string;
  channelType: string;
  messageId: string | null;
}

const iso = (ms: string | number) => new Date(Number(ms)).toISOString();

/** Keys a message by where it lives (channel ids never contain a newline). */
const refKey = (channelId: string, paddedId: string) => `${channelId}\n${paddedId}`;

/**
 * The messages of `rows` in their current state. `reactionsOf` is called once, with the refs of the rows
 * that ever had a reaction, only when there are any; it answers their active reactions in change order.
 */
export async function toMessages(
  rows: StoredMessage[],
  reactionsOf: (refs: { channelId: string; messageId: string }[]) => Promise<StoredReaction[]>,
): Promise<Message[]> {
  const reacted = rows.filter((r) => Boolean(r.reacted));
  const byMessage = new Map<string, Reaction[]>();
  if (reacted.length) {
    for (const r of await reactionsOf(reacted)) {
      const key = refKey(r.channelId, r.messageId);
      let reactions = byMessage.get(key);
      if (!reactions) byMessage.set(key, (reactions = []));
      let forEmoji = reactions.find((x) => x.emoji === r.emoji);
      if (!forEmoji) reactions.push((forEmoji = { emoji: r.emoji, userIds: [] }));
      forEmoji.userIds.push(r.userId);
    }
  }
  return rows.map((r) => toMessage(r, byMessage.get(refKey(r.channelId, r.messageId))));
}

function toMessage(r: StoredMessage, reactions: Reaction[] | undefined): Message {
  const m: Message = {
    id: unpadId(r.messageId),
    channelId: r.channelId,
    channelType: r.channelType === 'group' ? 'group' : 'dm',
    senderId: r.senderId,
    content: r.content,
    clientMsgId: r.clientMsgId,
    createdAt: iso(r.createdAt),
  };
  if (r.editedAt !== null) m.editedAt = iso(r.editedAt);
  if (r.deletedAt !== null) m.deletedAt = iso(r.deletedAt);
  if (reactions?.length) m.reactions = reactions;
  return m;
}

export function toChange(r: StoredChange): ChangeEntry {
  const changeId = unpadId(r.changeId);
  return {
    changeId,
    kind: (r.kind ?? 'new') as ChangeKind,
    channelId: r.channelId,
    channelType: r.channelType === 'group' ? 'group' : 'dm',
    messageId: r.messageId === null ? changeId : unpadId(r.messageId),
  };
}

/** The parameters of a `messages_by_channel` row, in the order of HISTORY_SQL.insertMessage. */
export function channelRow(m: Message): unknown[] {
  return [
    m.channelId,
    padId(m.id),
    bucketOf(m.id),
    m.channelType,
    m.senderId,
    m.content,
    m.clientMsgId,
    Date.parse(m.createdAt),
  ];
}

/** The parameters of each user's `inbox_by_user` row, in the order of HISTORY_SQL.insertChange. */
export function changeRows(userIds: readonly string[], e: ChangeEntry): unknown[][] {
  const [changeId, bucket, messageId] = [padId(e.changeId), bucketOf(e.changeId), padId(e.messageId)];
  return userIds.map((u) => [u, changeId, bucket, e.channelId, e.channelType, e.kind, messageId]);
}

/** A new message's entry: its change id is its id. */
export function newEntry(m: Message): ChangeEntry {
  return { changeId: m.id, kind: 'new', channelId: m.channelId, channelType: m.channelType, messageId: m.id };
}

/** The parameters of HISTORY_SQL.updateContent. */
export function contentParams(channelId: string, id: string, u: ContentUpdate): unknown[] {
  const ms = (at: string | undefined) => (at === undefined ? null : Date.parse(at));
  return [u.content, ms(u.editedAt), ms(u.deletedAt), channelId, padId(id)];
}

/** The padded [channel id, message id] pairs of refs. */
export function paddedRefs(refs: readonly MessageRef[]): [string, string][] {
  return refs.map((r) => [r.channelId, padId(r.id)]);
}

/** The parameters of HISTORY_SQL.countUnread. */
export function countUnreadParams(
  channelId: string,
  r: { after: string; upTo: string; readerId: string; cap: number },
): unknown[] {
  return [channelId, padId(r.after), padId(r.upTo), r.readerId, r.cap];
}
