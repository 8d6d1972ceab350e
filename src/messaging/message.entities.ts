import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * SQL twins of the Cassandra tables (DESIGN.md section 3), used by the embedded history adapter.
 * Message ids are stored as 20-digit zero-padded decimal strings so text order equals numeric order on
 * every SQL engine, and 64-bit ids never pass through a JS number.
 */
@Entity('messages_by_channel')
export class ChannelMessageRow {
  @PrimaryColumn({ name: 'channel_id', type: 'varchar', length: 80 })
  channelId!: string;

  @PrimaryColumn({ name: 'message_id', type: 'varchar', length: 20 })
  messageId!: string;

  @Column({ type: 'integer' })
  bucket!: number;

  @Column({ name: 'channel_type', type: 'varchar', length: 8 })
  channelType!: string;

  @Column({ name: 'sender_id', type: 'varchar', length: 36 })
  senderId!: string;

  @Column({ type: 'text' })
  content!: string;

  @Column({ name: 'client_msg_id', type: 'varchar', length: 64 })
  clientMsgId!: string;

  @Column({ name: 'created_at', type: 'bigint' })
  createdAt!: string | number;

  /** Epoch ms of the last edit; null until edited. */
  @Column({ name: 'edited_at', type: 'bigint', nullable: true })
  editedAt?: string | number | null;

  /** Epoch ms of the delete (content is then ''); null while not deleted. */
  @Column({ name: 'deleted_at', type: 'bigint', nullable: true })
  deletedAt?: string | number | null;

  /**
   * Set (never cleared) by the first reaction: reads look up reactions only for messages that ever had one,
   * so a page of messages nobody reacted to costs no reaction query.
   */
  @Column({ type: 'boolean', default: false })
  reacted?: boolean;
}

/**
 * Each user's change log (DESIGN.md section 6b), read after a cursor. Entries hold no copy of the message.
 * Rows written before the change log have no `kind` and no `message_id`: they are `new` entries whose change
 * id is the message id.
 */
@Entity('inbox_by_user')
export class InboxRow {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @PrimaryColumn({ name: 'change_id', type: 'varchar', length: 20 })
  changeId!: string;

  /** The 10-day bucket of the change id (Cassandra's partition part; kept for the same shape). */
  @Column({ type: 'integer' })
  bucket!: number;

  @Column({ name: 'channel_id', type: 'varchar', length: 80 })
  channelId!: string;

  @Column({ name: 'channel_type', type: 'varchar', length: 8 })
  channelType!: string;

  /** new, edit, delete or reaction; null on legacy rows (new). */
  @Column({ type: 'varchar', length: 8, nullable: true })
  kind!: string | null;

  /** The message the entry concerns; null on legacy rows (the change id). */
  @Column({ name: 'message_id', type: 'varchar', length: 20, nullable: true })
  messageId!: string | null;
}

/**
 * One user's reaction with one emoji on one message. All reactions of a message are one index range, read in
 * one query. A reaction turned off keeps its row (active false); `change_id` orders users as they reacted.
 */
@Entity('message_reactions')
export class ReactionRow {
  @PrimaryColumn({ name: 'channel_id', type: 'varchar', length: 80 })
  channelId!: string;

  @PrimaryColumn({ name: 'message_id', type: 'varchar', length: 20 })
  messageId!: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  emoji!: string;

  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'change_id', type: 'varchar', length: 20 })
  changeId!: string;
}

/** (sender, clientMsgId) -> the message it produced, kept 24 h (embedded dedupe; Redis when distributed). */
@Entity('send_dedupe')
export class SendDedupeRow {
  @PrimaryColumn({ name: 'sender_id', type: 'varchar', length: 36 })
  senderId!: string;

  @PrimaryColumn({ name: 'client_msg_id', type: 'varchar', length: 64 })
  clientMsgId!: string;

  @Column({ name: 'message_id', type: 'varchar', length: 20 })
  messageId!: string;

  @Column({ name: 'channel_id', type: 'varchar', length: 80 })
  channelId!: string;

  /**
   * Indexed for the once-a-minute sweep of expired bindings: without it each sweep reads the whole table (a
   * day of sends), holding up every write behind it. The index is append-only (time order), ~1 µs a send.
   */
  @Index('idx_send_dedupe_created')
  @Column({ name: 'created_at', type: 'bigint' })
  createdAt!: string | number;
}
