import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type GroupRole = 'owner' | 'admin' | 'member';
export const MAX_GROUP_MEMBERS = 100;

@Entity('groups')
export class GroupEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'owner_id', type: 'varchar', length: 36 })
  ownerId!: string;

  /** Kept with every add and remove; the 100-member cap is a conditional update of this counter. */
  @Column({ name: 'member_count', type: 'integer' })
  memberCount!: number;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}

@Entity('group_members')
export class GroupMemberEntity {
  @PrimaryColumn({ name: 'group_id', type: 'varchar', length: 36 })
  groupId!: string;

  @Index('idx_group_members_user')
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 8 })
  role!: GroupRole;

  /** The smallest message id this member may see: the group's history starts here for them. */
  @Column({ name: 'visible_from', type: 'varchar', length: 20 })
  visibleFrom!: string;

  @CreateDateColumn({ name: 'joined_at' })
  joinedAt!: Date;
}
