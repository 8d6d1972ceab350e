import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { In, Repository } from 'typeorm';
import { isUniqueViolation } from '../database/unique-violation';
import { DeviceEntity, DevicePlatform } from './device.entity';

/** A browser's PushSubscription, as its toJSON() gives it (RFC 8030 endpoint, RFC 8291 keys). */
export interface WebPushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface Device {
  userId: string;
  deviceId: string;
  platform: DevicePlatform;
  /** FCM registration token or APNs device token (fcm, apns). */
  token: string | null;
  /** web only. */
  subscription: WebPushSubscription | null;
  /** sha256 of the push address (token or endpoint); identifies the address without exposing it. */
  pushKey: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewDevice = Pick<Device, 'userId' | 'deviceId' | 'platform' | 'token' | 'subscription'>;

/** The push address a device is reached at, hashed: equal for two rows that would reach the same device. */
export function pushKeyOf(d: Pick<Device, 'platform' | 'token' | 'subscription'>): string {
  const address = d.platform === 'web' ? (d.subscription?.endpoint ?? '') : (d.token ?? '');
  return createHash('sha256').update(`${d.platform}\n${address}`).digest('hex');
}

@Injectable()
export class DevicesRepository {
  constructor(@InjectRepository(DeviceEntity) private readonly repo: Repository<DeviceEntity>) {}

  /** Inserts the device or replaces the row the user already has under that deviceId. */
  async save(d: NewDevice): Promise<Device> {
    const key = { userId: d.userId, deviceId: d.deviceId };
    const fields = {
      platform: d.platform,
      token: d.token,
      subscription: d.subscription ? JSON.stringify(d.subscription) : null,
      pushKey: pushKeyOf(d),
    };
    const updated = await this.repo.update(key, fields);
    if (!updated.affected) {
      try {
        await this.repo.insert({ ...key, ...fields });
      } catch (e) {
        // Two registrations of a new device raced: the other inserted first, so this one replaces it.
        if (!isUniqueViolation(e)) throw e;
        await this.repo.update(key, fields);
      }
    }
    return view(await this.repo.findOneByOrFail(key));
  }

  async find(userId: string, deviceId: string): Promise<Device | null> {
    const row = await this.repo.findOneBy({ userId, deviceId });
    return row && view(row);
  }

  async listForUser(userId: string): Promise<Device[]> {
    const rows = await this.repo.find({ where: { userId }, order: { updatedAt: 'DESC', deviceId: 'ASC' } });
    return rows.map(view);
  }

  /** True if the user had that device. */
  async remove(userId: string, deviceId: string): Promise<boolean> {
    const r = await this.repo.delete({ userId, deviceId });
    return (r.affected ?? 0) > 0;
  }

  /**
   * Deletes the row only if it still holds the address it had when read: a provider said that address is
   * gone, but the device may have registered a fresh one since.
   */
  async removeIfUnchanged(d: Pick<Device, 'userId' | 'deviceId' | 'pushKey'>): Promise<boolean> {
    const r = await this.repo.delete({ userId: d.userId, deviceId: d.deviceId, pushKey: d.pushKey });
    return (r.affected ?? 0) > 0;
  }

  /**
   * Deletes every other row with the same push address: a phone or browser that now belongs to another
   * account (or another deviceId) must stop getting the previous holder's notifications.
   */
  async removeOtherHolders(d: Pick<Device, 'userId' | 'deviceId' | 'pushKey'>): Promise<number> {
    const rows = await this.repo.find({
      where: { pushKey: d.pushKey },
      select: { userId: true, deviceId: true },
    });
    const others = rows.filter((r) => r.userId !== d.userId || r.deviceId !== d.deviceId);
    let removed = 0;
    for (const o of others) removed += (await this.remove(o.userId, o.deviceId)) ? 1 : 0;
    return removed;
  }

  /** Keeps `current` and the user's most recently registered others, `keep` in all; deletes the rest. */
  async trimOldest(userId: string, current: string, keep: number): Promise<number> {
    const rows = await this.repo.find({
      where: { userId },
      select: { deviceId: true, updatedAt: true },
      order: { updatedAt: 'DESC', deviceId: 'ASC' },
    });
    const extra = rows
      .filter((r) => r.deviceId !== current)
      .slice(Math.max(0, keep - 1))
      .map((r) => r.deviceId);
    if (!extra.length) return 0;
    const r = await this.repo.delete({ userId, deviceId: In(extra) });
    return r.affected ?? 0;
  }
}

function view(r: DeviceEntity): Device {
  return {
    userId: r.userId,
    deviceId: r.deviceId,
    platform: r.platform,
    token: r.token,
    subscription: r.subscription ? (JSON.parse(r.subscription) as WebPushSubscription) : null,
    pushKey: r.pushKey,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
