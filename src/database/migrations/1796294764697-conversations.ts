import { MigrationInterface, QueryRunner } from 'typeorm';
import { backfillSql } from '../conversation-backfill';

/**
 * Each user's conversation state (DESIGN.md section 6b, src/conversations): the list order, the newest message,
 * the read marker and the unread count, kept by the writes that change them. Filled from the memberships and
 * from the messages this database holds (none when history is in Cassandra: those DMs join the list with
 * their next message), with everything already there counted as read.
 */

export class Conversations1796294764697 implements MigrationInterface {
  name = 'Conversations1796294764697';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE "conversations" ("user_id" character varying(36) NOT NULL, "channel_id" character varying(80) NOT NULL, "channel_type" character varying(8) NOT NULL, "peer_id" character varying(36), "visible_from" character varying(20) NOT NULL, "activity_id" character varying(20) NOT NULL, "last_message_id" character varying(20), "read_up_to" character varying(20), "read_change_id" character varying(20), "unread_count" integer NOT NULL DEFAULT \'0\', CONSTRAINT "PK_f65d01e442d16fd7c121977968f" PRIMARY KEY ("user_id", "channel_id"))',
    );
    await q.query(
      'CREATE INDEX "idx_conversations_channel" ON "conversations"  ("channel_id", "read_change_id") ',
    );
    await q.query(
      'CREATE INDEX "idx_conversations_list" ON "conversations"  ("user_id", "activity_id", "channel_id") ',
    );
    const dialect = {
      padded: (e: string) => `LPAD((${e})::text, 20, '0')`,
      joinedMs: '(EXTRACT(EPOCH FROM gm.joined_at) * 1000)::bigint',
      position: (text: string, needle: string) => `STRPOS(${text}, ${needle})`,
    };
    for (const sql of backfillSql(dialect)) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "public"."idx_conversations_list"');
    await q.query('DROP INDEX "public"."idx_conversations_channel"');
    await q.query('DROP TABLE "conversations"');
  }
}
