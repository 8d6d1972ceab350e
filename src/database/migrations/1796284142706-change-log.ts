import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inbox becomes each user's change log (DESIGN.md section 6b), and messages get their current state.
 * - `inbox_by_user.message_id` is renamed `change_id` (a legacy row's message id is its `new` entry's change
 *   id), and gains `kind` and the referenced `message_id`, both null on legacy rows (read as `new`, referencing
 *   the change id). The copy columns are dropped: entries hold no copy of the message, so the text of a
 *   deleted message is left in one row only, which the delete overwrites.
 * - `messages_by_channel` gains its edit and delete times and the `reacted` flag.
 * - `message_reactions`: every reaction of a message in one index range.
 * Every step is a catalogue change (no table rewrite), so it runs in moments on a large inbox. A dropped
 * column's bytes stay in the table's pages until rows are rewritten or vacuumed (Postgres never rewrites
 * in place); no query can read them.
 */
export class ChangeLog1796284142706 implements MigrationInterface {
  name = 'ChangeLog1796284142706';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE "messages_by_channel" ADD "edited_at" bigint, ADD "deleted_at" bigint, ADD "reacted" boolean NOT NULL DEFAULT false',
    );
    await q.query('ALTER TABLE "inbox_by_user" RENAME COLUMN "message_id" TO "change_id"');
    await q.query(
      'ALTER TABLE "inbox_by_user" RENAME CONSTRAINT "PK_5b9938d580bc52843868ec1cf3e" TO "PK_8b8318362979903eae1211d0fa5"',
    );
    await q.query(
      'ALTER TABLE "inbox_by_user" DROP COLUMN "sender_id", DROP COLUMN "content", DROP COLUMN "client_msg_id", DROP COLUMN "created_at", ADD "kind" character varying(8), ADD "message_id" character varying(20)',
    );
    await q.query(
      'CREATE TABLE "message_reactions" ("channel_id" character varying(80) NOT NULL, "message_id" character varying(20) NOT NULL, "emoji" character varying(32) NOT NULL, "user_id" character varying(36) NOT NULL, "active" boolean NOT NULL, "change_id" character varying(20) NOT NULL, CONSTRAINT "PK_7ff4bbaca396e886a8ea8bbaeed" PRIMARY KEY ("channel_id", "message_id", "emoji", "user_id"))',
    );
  }

  /**
   * Back to the old layout: entries other than `new` are dropped and the copies are filled again from the
   * messages (a deleted message's copy is then its tombstone's empty content).
   */
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "message_reactions"');
    await q.query('DELETE FROM "inbox_by_user" WHERE "kind" IS NOT NULL AND "kind" <> \'new\'');
    await q.query(
      'ALTER TABLE "inbox_by_user" DROP COLUMN "kind", DROP COLUMN "message_id", ADD "sender_id" character varying(36), ADD "content" text, ADD "client_msg_id" character varying(64), ADD "created_at" bigint',
    );
    await q.query(
      'ALTER TABLE "inbox_by_user" RENAME CONSTRAINT "PK_8b8318362979903eae1211d0fa5" TO "PK_5b9938d580bc52843868ec1cf3e"',
    );
    await q.query('ALTER TABLE "inbox_by_user" RENAME COLUMN "change_id" TO "message_id"');
    await q.query(
      'UPDATE "inbox_by_user" i SET "sender_id" = m."sender_id", "content" = m."content", "client_msg_id" = m."client_msg_id", "created_at" = m."created_at" FROM "messages_by_channel" m WHERE m."channel_id" = i."channel_id" AND m."message_id" = i."message_id"',
    );
    await q.query('DELETE FROM "inbox_by_user" WHERE "content" IS NULL');
    for (const column of ['sender_id', 'content', 'client_msg_id', 'created_at']) {
      await q.query(`ALTER TABLE "inbox_by_user" ALTER COLUMN "${column}" SET NOT NULL`);
    }
    await q.query(
      'ALTER TABLE "messages_by_channel" DROP COLUMN "edited_at", DROP COLUMN "deleted_at", DROP COLUMN "reacted"',
    );
  }
}
