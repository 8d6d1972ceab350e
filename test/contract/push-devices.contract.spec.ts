import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeviceEntity } from '../../src/devices/device.entity';
import { DevicesRepository } from '../../src/devices/devices.repository';
import { migratedDataSource } from '../support/relational';
import { describeWith } from '../support/services';

/** The devices table behind the relational port: the same behaviour on SQLite and on Postgres. */
function devicesContract(databaseUrl: string | undefined): void {
  let ds: DataSource;
  let devices: DevicesRepository;
  const sub = (n: number) => ({
    endpoint: `https://push.example.com/s/${n}`,
    keys: { p256dh: `p${n}`, auth: `a${n}` },
  });

  beforeAll(async () => {
    ds = await migratedDataSource(databaseUrl);
    devices = new DevicesRepository(ds.getRepository(DeviceEntity));
  });
  afterAll(() => ds.destroy());

  it('keeps one row per (user, deviceId) and replaces it on re-registration', async () => {
    const userId = randomUUID();
    const first = await devices.save({
      userId,
      deviceId: 'd1',
      platform: 'web',
      token: null,
      subscription: sub(1),
    });
    expect(first).toMatchObject({ platform: 'web', token: null, subscription: sub(1) });
    expect(first.createdAt).toBeInstanceOf(Date);
    const again = await devices.save({
      userId,
      deviceId: 'd1',
      platform: 'fcm',
      token: 'tok',
      subscription: null,
    });
    expect(again).toMatchObject({ platform: 'fcm', token: 'tok', subscription: null });
    expect(again.pushKey).not.toBe(first.pushKey);
    expect(await devices.listForUser(userId)).toEqual([again]);
  });

  it('survives two first registrations of the same device at once', async () => {
    const userId = randomUUID();
    const save = (token: string) =>
      devices.save({ userId, deviceId: 'd1', platform: 'fcm', token, subscription: null });
    await Promise.all([save('a'), save('b')]);
    expect(await devices.listForUser(userId)).toHaveLength(1);
  });

  it('deletes a gone address only if the device still has it', async () => {
    const userId = randomUUID();
    const old = await devices.save({
      userId,
      deviceId: 'd1',
      platform: 'apns',
      token: 'aa',
      subscription: null,
    });
    await devices.save({ userId, deviceId: 'd1', platform: 'apns', token: 'bb', subscription: null });
    expect(await devices.removeIfUnchanged(old)).toBe(false);
    const current = (await devices.find(userId, 'd1'))!;
    expect(await devices.removeIfUnchanged(current)).toBe(true);
    expect(await devices.find(userId, 'd1')).toBeNull();
  });

  it('removes the other holders of an address', async () => {
    const [u, v] = [randomUUID(), randomUUID()];
    const token = `t-${randomUUID()}`;
    await devices.save({ userId: u, deviceId: 'phone', platform: 'fcm', token, subscription: null });
    await devices.save({ userId: u, deviceId: 'old-id', platform: 'fcm', token, subscription: null });
    const mine = await devices.save({
      userId: v,
      deviceId: 'phone',
      platform: 'fcm',
      token,
      subscription: null,
    });
    expect(await devices.removeOtherHolders(mine)).toBe(2);
    expect(await devices.listForUser(u)).toEqual([]);
    expect(await devices.listForUser(v)).toHaveLength(1);
  });

  it('trims to the newest devices, always keeping the current one', async () => {
    const userId = randomUUID();
    for (let i = 0; i < 5; i++)
      await devices.save({ userId, deviceId: `d${i}`, platform: 'fcm', token: `t${i}`, subscription: null });
    expect(await devices.trimOldest(userId, 'd0', 3)).toBe(2);
    const left = (await devices.listForUser(userId)).map((d) => d.deviceId);
    expect(left).toHaveLength(3);
    expect(left).toContain('d0');
    expect(await devices.remove(userId, 'd0')).toBe(true);
    expect(await devices.remove(userId, 'd0')).toBe(false);
  });
}

describe('devices contract: embedded SQLite', () => devicesContract(undefined));
describeWith(['postgres'], 'devices contract: Postgres', ({ postgres }) => devicesContract(postgres));
