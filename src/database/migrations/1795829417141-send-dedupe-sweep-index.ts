import { MigrationInterface, QueryRunner } from 'typeorm';

export class SendDedupeSweepIndex1795829417141 implements MigrationInterface {
  name = 'SendDedupeSweepIndex1795829417141';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX "idx_send_dedupe_created" ON "send_dedupe"  ("created_at") ');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "public"."idx_send_dedupe_created"');
  }
}
