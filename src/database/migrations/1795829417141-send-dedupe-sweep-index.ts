import { MigrationInterface, QueryRunner } from 'typeorm';

const INDEX = 'idx_send_dedupe_created';

/**
 * The index the dedupe sweep reads by. Built CONCURRENTLY, outside a transaction, so a live deployment keeps
 * claiming (writing send_dedupe) while it builds. A concurrent build that failed half-way leaves an invalid
 * index behind; the next run drops it and builds again.
 */
export class SendDedupeSweepIndex1795829417141 implements MigrationInterface {
  name = 'SendDedupeSweepIndex1795829417141';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    const invalid = (await q.query(
      'SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1 AND NOT i.indisvalid',
      [INDEX],
    )) as unknown[];
    if (invalid.length) await q.query(`DROP INDEX CONCURRENTLY "${INDEX}"`);
    await q.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS "${INDEX}" ON "send_dedupe" ("created_at")`);
  }

  // TypeORM reverts inside a transaction whatever `transaction` says, so no CONCURRENTLY here.
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS "public"."${INDEX}"`);
  }
}
