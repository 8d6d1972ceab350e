import { MigrationInterface, QueryRunner } from 'typeorm';

export class Groups1795813440497 implements MigrationInterface {
  name = 'Groups1795813440497';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE "groups" ("id" character varying(36) NOT NULL, "name" character varying(100) NOT NULL, "owner_id" character varying(36) NOT NULL, "member_count" integer NOT NULL, "created_at" TIMESTAMP NOT NULL DEFAULT now(), CONSTRAINT "PK_659d1483316afb28afd3a90646e" PRIMARY KEY ("id"))',
    );
    await q.query(
      'CREATE TABLE "group_members" ("group_id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "role" character varying(8) NOT NULL, "visible_from" character varying(20) NOT NULL, "joined_at" TIMESTAMP NOT NULL DEFAULT now(), CONSTRAINT "PK_f5939ee0ad233ad35e03f5c65c1" PRIMARY KEY ("group_id", "user_id"))',
    );
    await q.query('CREATE INDEX "idx_group_members_user" ON "group_members"  ("user_id") ');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "public"."idx_group_members_user"');
    await q.query('DROP TABLE "group_members"');
    await q.query('DROP TABLE "groups"');
  }
}
