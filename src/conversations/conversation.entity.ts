import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One user's state in one channel (DESIGN.md section 6b): where the conversation sits in their list, its
 * newest message, their read marker and their unread count. A row per group member (written with the
 * membership, removed with it) and per participant of a DM that has a message (written with the first one).
 * Ids are 20-digit zero-padded decimal strings, so text order is numeric order on every engine.
 *
 * Kept by the writes that change it (a send, a delete, a read, a join), so the conversation list is one index
 * range per page and an unread count is a column, never a scan of a channel's history.
 */
@Entity('conversations')
@Index('idx_conversations_list', ['userId', 'activityId', 'channelId'])
@Index('idx_conversations_channel', ['channelId', 'readChangeId'])
export class ConversationRow {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @PrimaryColumn({ name: 'channel_id', type: 'varchar', length: 80 })
  channelId!: string;

  @Column({ name: 'channel_type', type: 'varchar', length: 8 })
  channelType!: string;

  /** The other participant of a DM; null for a group. */
  @Column({ name: 'peer_id', type: 'varchar', length: 36, nullable: true })
  peerId!: string | null;

  /** The smallest message id the user may see here (a group member's join; zeros for a DM). */
  @Column({ name: 'visible_from', type: 'varchar', length: 20 })
  visibleFrom!: string;

  /** The list's sort key: the newest message's id or, before any, a Snowflake of the time the user joined. */
  @Column({ name: 'activity_id', type: 'varchar', length: 20 })
  activityId!: string;

  @Column({ name: 'last_message_id', type: 'varchar', length: 20, nullable: true })
  lastMessageId!: string | null;

  /** The read marker: the user has read up to and including this message. */
  @Column({ name: 'read_up_to', type: 'varchar', length: 20, nullable: true })
  readUpTo!: string | null;

  /** The change id the read marker last moved at (receipts in sync are read after a cursor by it). */
  @Column({ name: 'read_change_id', type: 'varchar', length: 20, nullable: true })
  readChangeId!: string | null;

  /** Messages after the marker that others sent and that are not deleted. */
  @Column({ name: 'unread_count', type: 'integer', default: 0 })
  unreadCount!: number;
}
