import { MigrationInterface, QueryRunner } from 'typeorm';

export class Devices1795814301873 implements MigrationInterface {
  name = 'Devices1795814301873';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE "devices" ("user_id" character varying(36) NOT NULL, "device_id" character varying(128) NOT NULL, "platform" character varying(8) NOT NULL, "token" text, "subscription" text, "push_key" character varying(64) NOT NULL, "created_at" TIMESTAMP NOT NULL DEFAULT now(), "updated_at" TIMESTAMP NOT NULL DEFAULT now(), CONSTRAINT "PK_c11e8dd1ff625b158b0c160e4e5" PRIMARY KEY ("user_id", "device_id"))',
    );
    await q.query('CREATE INDEX "idx_devices_push_key" ON "devices"  ("push_key") ');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "public"."idx_devices_push_key"');
    await q.query('DROP TABLE "devices"');
  }
}
