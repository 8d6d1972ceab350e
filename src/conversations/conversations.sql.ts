import { padId, unpadId } from '../ids/padded-id';
import { snowflakeAt } from '../ids/snowflake';

/**
 * The SQL of the conversation state, shared by the embedded adapter (prepared statements, writes through the
 * writer thread's group commit) and the Postgres adapter (which numbers the `?` placeholders). Both engines
 * take `INSERT ... ON CONFLICT DO UPDATE`, row values and CASE; ids are padded text (padded-id.ts).
 */
const ZERO = padId('0');

/** Ids compared as padded text; `a` may be NULL (then b wins). */
const later = (a: string, b: string) => `CASE WHEN ${a} IS NULL OR ${a} < ${b} THEN ${b} ELSE ${a} END`;

const DM_UPSERT =
  'INSERT INTO conversations (user_id, channel_id, channel_type, peer_id, visible_from, activity_id, last_message_id, unread_count) ' +
  `VALUES (?, ?, 'dm', ?, '${ZERO}', ?, ?, ?) ON CONFLICT (user_id, channel_id) DO UPDATE SET ` +
  'unread_count = conversations.unread_count + CASE WHEN conversations.read_up_to IS NULL OR conversations.read_up_to < excluded.last_message_id THEN excluded.unread_count ELSE 0 END, ' +
  `last_message_id = ${later('conversations.last_message_id', 'excluded.last_message_id')}, ` +
  `activity_id = ${later('conversations.activity_id', 'excluded.activity_id')}`;

const GROUP_UPDATE =
  'UPDATE conversations SET ' +
  'unread_count = unread_count + CASE WHEN user_id <> ? AND (read_up_to IS NULL OR read_up_to < ?) THEN 1 ELSE 0 END, ' +
  `last_message_id = ${later('last_message_id', '?')}, activity_id = ${later('activity_id', '?')} ` +
  'WHERE channel_id = ? AND visible_from <= ?';

const COLUMNS =
  'channel_id AS "channelId", channel_type AS "channelType", peer_id AS "peerId", activity_id AS "activityId", ' +
  'last_message_id AS "lastMessageId", read_up_to AS "readUpTo", read_change_id AS "readChangeId", ' +
  'unread_count AS "unreadCount", visible_from AS "visibleFrom"';

export const CONVERSATION_SQL = {
  /** Per participant: user, channel, peer, activity id, message id, 1 for the recipient / 0 for the sender. */
  dmPosted: DM_UPSERT,
  /**
   * A resend whose first attempt may have died before counting: counted only where this message is not
   * behind the newest one already counted (so a complete first attempt is never counted twice).
   */
  dmPostedAgain:
    DM_UPSERT +
    ' WHERE conversations.last_message_id IS NULL OR conversations.last_message_id < excluded.last_message_id',
  /** sender, id x 5, channel, id (padded ids). */
  groupPosted: GROUP_UPDATE,
  /** groupPosted's parameters, then the id once more. */
  groupPostedAgain: GROUP_UPDATE + ' AND (last_message_id IS NULL OR last_message_id < ?)',
  /** A group member's row: user, channel, visible from, activity id. An existing row is kept. */
  joined:
    'INSERT INTO conversations (user_id, channel_id, channel_type, peer_id, visible_from, activity_id, unread_count) ' +
    "VALUES (?, ?, 'group', NULL, ?, ?, 0) ON CONFLICT (user_id, channel_id) DO NOTHING",
  left: 'DELETE FROM conversations WHERE user_id = ? AND channel_id = ?',
  channelGone: 'DELETE FROM conversations WHERE channel_id = ?',
  /**
   * Moves a read marker forward. Parameters: message id, change id, message id, then (counted, unread before)
   * twice, user, channel, message id, change id. The unread count becomes 0 when the message is the newest;
   * otherwise the count between it and the newest message the caller counted up to, plus whatever was counted
   * since the caller read the row (`unread_count - unread before`: messages that came in meanwhile), so a
   * busy channel's sends never make the move fail. Changes no row when the marker is at or past the message,
   * or a later change already moved it.
   */
  moveRead:
    'UPDATE conversations SET read_up_to = ?, read_change_id = ?, ' +
    'unread_count = CASE WHEN last_message_id IS NULL OR last_message_id <= ? THEN 0 ' +
    'WHEN ? + unread_count - ? < 0 THEN 0 ELSE ? + unread_count - ? END ' +
    'WHERE user_id = ? AND channel_id = ? AND (read_up_to IS NULL OR read_up_to < ?) ' +
    'AND (read_change_id IS NULL OR read_change_id < ?)',
  /** A deleted message stops counting where it counted: channel, sender, id, id, id. */
  deleted:
    'UPDATE conversations SET unread_count = unread_count - 1 WHERE channel_id = ? AND user_id <> ? ' +
    'AND visible_from <= ? AND (read_up_to IS NULL OR read_up_to < ?) AND last_message_id >= ? AND unread_count > 0',
  get: `SELECT ${COLUMNS} FROM conversations WHERE user_id = ? AND channel_id = ?`,
  firstPage: `SELECT ${COLUMNS} FROM conversations WHERE user_id = ? ORDER BY activity_id DESC, channel_id DESC LIMIT ?`,
  page:
    `SELECT ${COLUMNS} FROM conversations WHERE user_id = ? AND (activity_id, channel_id) < (?, ?) ` +
    'ORDER BY activity_id DESC, channel_id DESC LIMIT ?',
  /** The read markers of every member of the user's channels that moved after a change id, oldest first. */
  receipts:
    'SELECT r.channel_id AS "channelId", r.user_id AS "userId", r.read_up_to AS "readUpTo", r.read_change_id AS "readChangeId" ' +
    'FROM conversations me JOIN conversations r ON r.channel_id = me.channel_id ' +
    'WHERE me.user_id = ? AND r.read_change_id > ? ORDER BY r.read_change_id LIMIT ?',
  /** The badge: every conversation's count, each capped like the list shows it. */
  totalUnread:
    'SELECT COALESCE(SUM(CASE WHEN unread_count > ? THEN ? ELSE unread_count END), 0) AS "total" ' +
    'FROM conversations WHERE user_id = ? AND unread_count > 0',
  /** Every member's marker in a channel (receipts "read by N"). */
  channelMarkers:
    'SELECT user_id AS "userId", read_up_to AS "readUpTo" FROM conversations WHERE channel_id = ? AND read_up_to IS NOT NULL',
};

/** A row as CONVERSATION_SQL reads it (padded ids). */
export interface StoredConversation {
  channelId: string;
  channelType: string;
  peerId: string | null;
  activityId: string;
  lastMessageId: string | null;
  readUpTo: string | null;
  readChangeId: string | null;
  unreadCount: number | string;
  visibleFrom: string;
}

/** One user's state in one channel, ids unpadded. */
export interface ConversationState {
  channelId: string;
  channelType: 'dm' | 'group';
  peerId: string | null;
  /** The list's sort key (a Snowflake): the newest message's id, or the join time's. */
  activityId: string;
  lastMessageId: string | null;
  readUpTo: string | null;
  readChangeId: string | null;
  unreadCount: number;
  visibleFrom: string;
}

export function toState(r: StoredConversation): ConversationState {
  const id = (v: string | null) => (v === null ? null : unpadId(v));
  return {
    channelId: r.channelId,
    channelType: r.channelType === 'group' ? 'group' : 'dm',
    peerId: r.peerId,
    activityId: unpadId(r.activityId),
    lastMessageId: id(r.lastMessageId),
    readUpTo: id(r.readUpTo),
    readChangeId: id(r.readChangeId),
    unreadCount: Number(r.unreadCount),
    visibleFrom: unpadId(r.visibleFrom),
  };
}

/** A message as the conversation state needs it. */
export interface PostedMessage {
  id: string;
  channelId: string;
  channelType: 'dm' | 'group';
  senderId: string;
}

/** The statement and parameter rows that count a new message in its channel's conversations. */
export function postedStep(
  m: PostedMessage,
  dmUserIds: readonly string[] | undefined,
  again = false,
): { sql: string; rows: unknown[][] } {
  const id = padId(m.id);
  if (m.channelType === 'dm' && dmUserIds?.length) {
    const sql = again ? CONVERSATION_SQL.dmPostedAgain : CONVERSATION_SQL.dmPosted;
    const peerOf = (u: string) => dmUserIds.find((o) => o !== u) ?? u;
    return { sql, rows: dmUserIds.map((u) => [u, m.channelId, peerOf(u), id, id, u === m.senderId ? 0 : 1]) };
  }
  const params = [m.senderId, id, id, id, id, id, m.channelId, id];
  return again
    ? { sql: CONVERSATION_SQL.groupPostedAgain, rows: [[...params, id]] }
    : { sql: CONVERSATION_SQL.groupPosted, rows: [params] };
}

/** The rows of group members who joined at `atMs`, seeing messages from `visibleFrom` on. */
export function joinedRows(channelId: string, userIds: readonly string[], visibleFrom: string, atMs: number) {
  const activity = padId(snowflakeAt(atMs).toString());
  return userIds.map((u) => [u, channelId, padId(visibleFrom), activity]);
}

/** A group member's new row, as an entity (for the groups repository's membership transaction). */
export function joinedRow(channelId: string, userId: string, visibleFrom: string, atMs: number) {
  return {
    userId,
    channelId,
    channelType: 'group',
    peerId: null,
    visibleFrom: padId(visibleFrom),
    activityId: padId(snowflakeAt(atMs).toString()),
    lastMessageId: null,
    unreadCount: 0,
  };
}

/** A read marker move's parameters (see CONVERSATION_SQL.moveRead). */
export function moveReadParams(
  userId: string,
  channelId: string,
  move: { messageId: string; changeId: string; unread: number; unreadBefore: number },
): unknown[] {
  const [m, c] = [padId(move.messageId), padId(move.changeId)];
  const [k, before] = [move.unread, move.unreadBefore];
  return [m, c, m, k, before, k, before, userId, channelId, m, c];
}

export function deletedParams(m: PostedMessage): unknown[] {
  const id = padId(m.id);
  return [m.channelId, m.senderId, id, id, id];
}
