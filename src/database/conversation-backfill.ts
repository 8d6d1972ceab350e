/**
 * The conversation state's backfill (src/conversations), shared by the Postgres migration that creates the
 * table and the embedded file's first start after the upgrade (SqliteConversationStore). It sits here, with
 * the migrations, because migrations may not depend on the features above them.
 */
const ZERO = '0'.repeat(20);
/** ids/snowflake.ts's epoch (the same layer as this folder, so not imported; its spec checks they agree). */
export const BACKFILL_SNOWFLAKE_EPOCH_MS = 1_735_689_600_000;

/**
 * Fills the conversation state of a store that had none (an upgrade): every group membership and every DM
 * with a message, everything up to the newest message counted as read (an upgrade must not light up years of
 * history as unread), no receipts. `padded` turns an integer expression into a padded id; `joinedMs` turns
 * group_members.joined_at into epoch milliseconds (each engine has its own).
 */
export function backfillSql(dialect: {
  padded: (e: string) => string;
  joinedMs: string;
  /** The 1-based position of `needle` in `text`: INSTR on SQLite, STRPOS on Postgres. */
  position: (text: string, needle: string) => string;
}): string[] {
  const { padded, joinedMs, position } = dialect;
  const joinedId = padded(
    `(CASE WHEN ${joinedMs} > ${BACKFILL_SNOWFLAKE_EPOCH_MS} THEN (${joinedMs} - ${BACKFILL_SNOWFLAKE_EPOCH_MS}) * 4194304 ELSE 0 END)`,
  );
  const newest = (type: string) =>
    `(SELECT channel_id, MAX(message_id) AS id FROM messages_by_channel WHERE channel_type = '${type}' GROUP BY channel_id)`;
  const dm = (me: number, peer: number) =>
    'INSERT INTO conversations (user_id, channel_id, channel_type, peer_id, visible_from, activity_id, last_message_id, read_up_to, unread_count) ' +
    `SELECT ${dmPart('l.channel_id', me, position)}, l.channel_id, 'dm', ${dmPart('l.channel_id', peer, position)}, ` +
    `'${ZERO}', l.id, l.id, l.id, 0 ` +
    `FROM ${newest('dm')} l WHERE TRUE ON CONFLICT (user_id, channel_id) DO NOTHING`;
  return [
    'INSERT INTO conversations (user_id, channel_id, channel_type, peer_id, visible_from, activity_id, last_message_id, read_up_to, unread_count) ' +
      "SELECT gm.user_id, gm.group_id, 'group', NULL, gm.visible_from, " +
      `CASE WHEN l.id >= gm.visible_from THEN l.id ELSE ${joinedId} END, ` +
      'CASE WHEN l.id >= gm.visible_from THEN l.id END, CASE WHEN l.id >= gm.visible_from THEN l.id END, 0 ' +
      `FROM group_members gm LEFT JOIN ${newest('group')} l ON l.channel_id = gm.group_id ` +
      // WHERE TRUE: SQLite reads an ON right after a join as the join's (its documented INSERT ... SELECT rule).
      'WHERE TRUE ON CONFLICT (user_id, channel_id) DO NOTHING',
    dm(1, 2),
    dm(2, 1),
  ];
}

/** The n-th (1 or 2) user id of a DM channel id `dm:<a>:<b>`, in SQL both engines take. */
function dmPart(col: string, n: number, position: (text: string, needle: string) => string): string {
  const rest = `SUBSTR(${col}, 4)`;
  const colon = position(rest, "':'");
  return n === 1 ? `SUBSTR(${rest}, 1, ${colon} - 1)` : `SUBSTR(${rest}, ${colon} + 1)`;
}
