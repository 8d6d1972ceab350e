import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** One refresh token. The secret part is stored as a SHA-256 hash; a family is one login's chain of rotations. */
@Entity('refresh_tokens')
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_refresh_tokens_user')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Index('idx_refresh_tokens_family')
  @Column({ name: 'family_id', type: 'varchar', length: 36 })
  familyId!: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: Date, nullable: true })
  usedAt!: Date | null;

  @Column({ name: 'revoked_at', type: Date, nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
