import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795811866813 implements MigrationInterface {
  name = 'InitialSchema1795811866813';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE "refresh_tokens" ("id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "family_id" character varying(36) NOT NULL, "token_hash" character varying(64) NOT NULL, "expires_at" TIMESTAMP NOT NULL, "used_at" TIMESTAMP, "revoked_at" TIMESTAMP, "created_at" TIMESTAMP NOT NULL DEFAULT now(), CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE INDEX "idx_refresh_tokens_user" ON "refresh_tokens"  ("user_id") ');
    await q.query('CREATE INDEX "idx_refresh_tokens_family" ON "refresh_tokens"  ("family_id") ');
    await q.query(
      'CREATE TABLE "friend_requests" ("id" character varying(36) NOT NULL, "from_user_id" character varying(36) NOT NULL, "to_user_id" character varying(36) NOT NULL, "user_low" character varying(36) NOT NULL, "user_high" character varying(36) NOT NULL, "status" character varying(16) NOT NULL, "created_at" TIMESTAMP NOT NULL DEFAULT now(), CONSTRAINT "uq_friend_requests_pair" UNIQUE ("user_low", "user_high"), CONSTRAINT "PK_3827ba86ce64ecb4b90c92eeea6" PRIMARY KEY ("id"))',
    );
    await q.query('CREATE INDEX "idx_friend_requests_from" ON "friend_requests"  ("from_user_id") ');
    await q.query('CREATE INDEX "idx_friend_requests_to" ON "friend_requests"  ("to_user_id") ');
    await q.query(
      'CREATE TABLE "messages_by_channel" ("channel_id" character varying(80) NOT NULL, "message_id" character varying(20) NOT NULL, "bucket" integer NOT NULL, "channel_type" character varying(8) NOT NULL, "sender_id" character varying(36) NOT NULL, "content" text NOT NULL, "client_msg_id" character varying(64) NOT NULL, "created_at" bigint NOT NULL, CONSTRAINT "PK_53f2b7c4753f8e206b0f92429f5" PRIMARY KEY ("channel_id", "message_id"))',
    );
    await q.query(
      'CREATE TABLE "inbox_by_user" ("user_id" character varying(36) NOT NULL, "message_id" character varying(20) NOT NULL, "bucket" integer NOT NULL, "channel_id" character varying(80) NOT NULL, "channel_type" character varying(8) NOT NULL, "sender_id" character varying(36) NOT NULL, "content" text NOT NULL, "client_msg_id" character varying(64) NOT NULL, "created_at" bigint NOT NULL, CONSTRAINT "PK_5b9938d580bc52843868ec1cf3e" PRIMARY KEY ("user_id", "message_id"))',
    );
    await q.query(
      'CREATE TABLE "send_dedupe" ("sender_id" character varying(36) NOT NULL, "client_msg_id" character varying(64) NOT NULL, "message_id" character varying(20) NOT NULL, "channel_id" character varying(80) NOT NULL, "created_at" bigint NOT NULL, CONSTRAINT "PK_870d4733f996eb8e1680e57354f" PRIMARY KEY ("sender_id", "client_msg_id"))',
    );
    await q.query(
      'CREATE TABLE "users" ("id" character varying(36) NOT NULL, "username" character varying(32) NOT NULL, "password_hash" character varying(255) NOT NULL, "display_name" character varying(64) NOT NULL, "role" character varying(16) NOT NULL DEFAULT \'user\', "banned" boolean NOT NULL DEFAULT false, "last_active_at" TIMESTAMP, "created_at" TIMESTAMP NOT NULL DEFAULT now(), CONSTRAINT "UQ_fe0bb3f6520ee0469504521e710" UNIQUE ("username"), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "users"');
    await q.query('DROP TABLE "send_dedupe"');
    await q.query('DROP TABLE "inbox_by_user"');
    await q.query('DROP TABLE "messages_by_channel"');
    await q.query('DROP INDEX "public"."idx_friend_requests_to"');
    await q.query('DROP INDEX "public"."idx_friend_requests_from"');
    await q.query('DROP TABLE "friend_requests"');
    await q.query('DROP INDEX "public"."idx_refresh_tokens_family"');
    await q.query('DROP INDEX "public"."idx_refresh_tokens_user"');
    await q.query('DROP TABLE "refresh_tokens"');
  }
}
