import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** One admin action: who did what to what, when. Append-only. */
@Entity('admin_audit')
export class AuditEntryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_admin_audit_created')
  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'actor_id', type: 'varchar', length: 36 })
  actorId!: string;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'target_type', type: 'varchar', length: 32 })
  targetType!: string;

  @Column({ name: 'target_id', type: 'varchar', length: 200 })
  targetId!: string;

  /** JSON details; never message text or secrets. */
  @Column({ type: 'text', default: '{}' })
  details!: string;
}
