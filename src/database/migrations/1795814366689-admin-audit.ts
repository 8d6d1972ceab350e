import { MigrationInterface, QueryRunner } from 'typeorm';

export class AdminAudit1795814366689 implements MigrationInterface {
  name = 'AdminAudit1795814366689';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE "admin_audit" ("id" character varying(36) NOT NULL, "created_at" TIMESTAMP NOT NULL DEFAULT now(), "actor_id" character varying(36) NOT NULL, "action" character varying(64) NOT NULL, "target_type" character varying(32) NOT NULL, "target_id" character varying(200) NOT NULL, "details" text NOT NULL DEFAULT \'{}\', CONSTRAINT "PK_5ad48a4d9d16397ef37e28bb0be" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE INDEX "idx_admin_audit_created" ON "admin_audit"  ("created_at") ');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "public"."idx_admin_audit_created"');
    await q.query('DROP TABLE "admin_audit"');
  }
}
