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
}

@Entity('inbox_by_user')
export class InboxRow {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @PrimaryColumn({ name: 'message_id', type: 'varchar', length: 20 })
  messageId!: string;

  @Column({ type: 'integer' })
  bucket!: number;

  @Column({ name: 'channel_id', type: 'varchar', length: 80 })
  channelId!: string;

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
