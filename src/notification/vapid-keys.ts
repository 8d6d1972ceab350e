import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateVAPIDKeys } from 'web-push';

export interface VapidKeyPair {
  /** Uncompressed P-256 point, base64url (what browsers take as applicationServerKey). */
  publicKey: string;
  /** The private scalar, base64url. */
  privateKey: string;
}

/** Throws unless the pair has the shapes VAPID (RFC 8292) needs. */
export function assertVapidKeys(keys: VapidKeyPair): void {
  const pub = decode(keys.publicKey);
  if (pub?.length !== 65 || pub[0] !== 4)
    throw new Error('VAPID_PUBLIC_KEY must be an uncompressed P-256 public key (65 bytes), base64url');
  if (decode(keys.privateKey)?.length !== 32)
    throw new Error('VAPID_PRIVATE_KEY must be a P-256 private key (32 bytes), base64url');
}

/**
 * Embedded mode generates its VAPID key pair once into DATA_DIR, as it does the JWT secret, so restarts
 * keep browsers' subscriptions valid (a subscription is bound to the public key it was made with).
 */
export function embeddedVapidKeys(dataDir: string): VapidKeyPair {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'vapid-keys.json');
  if (!existsSync(file)) {
    const keys = generateVAPIDKeys();
    try {
      writeFileSync(file, JSON.stringify(keys) + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      // Another process of this data dir wrote it first: use theirs.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const keys = JSON.parse(readFileSync(file, 'utf8')) as VapidKeyPair;
  assertVapidKeys(keys);
  return { publicKey: keys.publicKey, privateKey: keys.privateKey };
}

function decode(s: unknown): Buffer | undefined {
  return typeof s === 'string' && /^[A-Za-z0-9_-]+$/.test(s) ? Buffer.from(s, 'base64url') : undefined;
}
