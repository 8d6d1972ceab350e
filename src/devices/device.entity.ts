import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type DevicePlatform = 'web' | 'fcm' | 'apns';
export const DEVICE_PLATFORMS: readonly DevicePlatform[] = ['web', 'fcm', 'apns'];

/** A device registered for push: one row per (user, deviceId), replaced when the device registers again. */
@Entity('devices')
export class DeviceEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @PrimaryColumn({ name: 'device_id', type: 'varchar', length: 128 })
  deviceId!: string;

  @Column({ type: 'varchar', length: 8 })
  platform!: DevicePlatform;

  /** FCM registration token or APNs device token; null for web. */
  @Column({ type: 'text', nullable: true })
  token!: string | null;

  /** The Web Push subscription as JSON ({endpoint, keys: {p256dh, auth}}); null for fcm and apns. */
  @Column({ type: 'text', nullable: true })
  subscription!: string | null;

  /**
   * sha256 of the token or endpoint: finds the other rows holding the same address (a browser or phone
   * that changed account), without an index over long text.
   */
  @Index('idx_devices_push_key')
  @Column({ name: 'push_key', type: 'varchar', length: 64 })
  pushKey!: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
