import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

export type FriendRequestStatus = 'pending' | 'accepted';

/** A friend request; once accepted the same row is the friendship (one row per pair). */
@Entity('friend_requests')
@Unique('uq_friend_requests_pair', ['userLow', 'userHigh'])
export class FriendRequestEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_friend_requests_from')
  @Column({ name: 'from_user_id', type: 'varchar', length: 36 })
  fromUserId!: string;

  @Index('idx_friend_requests_to')
  @Column({ name: 'to_user_id', type: 'varchar', length: 36 })
  toUserId!: string;

  /** The pair in sorted order, so (a,b) and (b,a) collide on the unique key. */
  @Column({ name: 'user_low', type: 'varchar', length: 36 })
  userLow!: string;

  @Column({ name: 'user_high', type: 'varchar', length: 36 })
  userHigh!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: FriendRequestStatus;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
