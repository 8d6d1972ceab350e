import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateVAPIDKeys } from 'web-push';
import { loadConfig } from '../config/app-config';
import { notificationOptions } from './notification.options';

const embedded = () => loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'push-opts-')) });
const distributed = () =>
  loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'push-opts-')),
    REDIS_URL: 'redis://127.0.0.1:6379',
    JWT_SECRET: 'x'.repeat(40),
  });

describe('notificationOptions', () => {
  it('has defaults', () => {
    const o = notificationOptions(embedded());
    expect(o).toMatchObject({
      collapseWindowMs: 2000,
      previewLength: 100,
      hideContent: false,
      allowLoopbackHttp: false,
      fcm: undefined,
      apns: undefined,
    });
  });

  it('generates VAPID keys into DATA_DIR once when embedded, and keeps them', () => {
    const config = embedded();
    const first = notificationOptions(config).vapid;
    expect(first?.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(notificationOptions(config).vapid).toEqual(first);
    const file = join(config.dataDir, 'vapid-keys.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ publicKey: first?.publicKey });
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('leaves Web Push off when distributed without keys, and takes given keys', () => {
    expect(notificationOptions(distributed()).vapid).toBeUndefined();
    const keys = generateVAPIDKeys();
    expect(
      notificationOptions(distributed(), { vapid: { ...keys, subject: 'mailto:ops@example.com' } }).vapid,
    ).toEqual({ ...keys, subject: 'mailto:ops@example.com' });
  });

  it('refuses bad keys and bad numbers, naming them', () => {
    const keys = generateVAPIDKeys();
    expect(() => notificationOptions(embedded(), { vapid: { ...keys, publicKey: 'abc' } })).toThrow(
      /VAPID_PUBLIC_KEY/,
    );
    expect(() => notificationOptions(embedded(), { vapid: { ...keys, subject: 'ops@example.com' } })).toThrow(
      /VAPID_SUBJECT/,
    );
    expect(() => notificationOptions(embedded(), { previewLength: 5000 })).toThrow(/previewLength/);
    expect(() => notificationOptions(embedded(), { collapseWindowMs: -1 })).toThrow(/collapseWindowMs/);
  });
});
