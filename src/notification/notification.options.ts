import type { AppConfig } from '../config/app-config';
import { assertVapidKeys, embeddedVapidKeys, VapidKeyPair } from './vapid-keys';

export const NOTIFICATION_OPTIONS = Symbol('NOTIFICATION_OPTIONS');

export interface VapidOptions extends VapidKeyPair {
  /** VAPID_SUBJECT: a mailto: or https: contact for push services (RFC 8292 `sub`). */
  subject: string;
}

export interface FcmOptions {
  /** FCM_SERVICE_ACCOUNT_FILE: a Google service account key (JSON) of the Firebase project. */
  serviceAccountFile: string;
  /** FCM_URL: base of the FCM HTTP v1 API (a stand-in in tests). */
  url: string;
}

export interface ApnsOptions {
  /** APNS_KEY_FILE: the .p8 signing key (PKCS#8 PEM, P-256) of the Apple developer account. */
  keyFile: string;
  /** APNS_KEY_ID: the key's id, sent as the JWT `kid`. */
  keyId: string;
  /** APNS_TEAM_ID: the team id, sent as the JWT `iss`. */
  teamId: string;
  /** APNS_TOPIC: the app's bundle id. */
  topic: string;
  /** APNS_URL: https://api.push.apple.com, or https://api.sandbox.push.apple.com for development builds. */
  url: string;
}

export interface NotificationOptions {
  /** PUSH_COLLAPSE_WINDOW_MS: messages to one user in one channel within this long make one notification. */
  collapseWindowMs: number;
  /** Extra wait after the window, so the window's last messages are in the inbox when the job reads it. */
  collapseSettleMs: number;
  /** PUSH_PREVIEW_LENGTH: characters of message text in a notification. */
  previewLength: number;
  /** PUSH_HIDE_CONTENT: send no message text at all, only who wrote and how many. */
  hideContent: boolean;
  /** PUSH_TTL_SECONDS: how long push services keep a notification for a device that is off. */
  ttlSeconds: number;
  /** PUSH_REQUEST_TIMEOUT_MS: one request to a push service. */
  requestTimeoutMs: number;
  /** PUSH_ALLOW_LOOPBACK_HTTP: accept http:// and loopback push URLs (local stand-ins in tests only). */
  allowLoopbackHttp: boolean;
  /** Web Push; undefined means web devices get the log provider. */
  vapid: VapidOptions | undefined;
  fcm: FcmOptions | undefined;
  apns: ApnsOptions | undefined;
  /** Devices kept per user; registering one more drops the least recently registered. */
  maxDevicesPerUser: number;
}

/** What a caller may set; everything else has a default. */
export interface NotificationOverrides extends Partial<Omit<NotificationOptions, 'vapid' | 'fcm' | 'apns'>> {
  vapid?: VapidKeyPair & { subject?: string };
  fcm?: { serviceAccountFile: string; url?: string };
  apns?: Omit<ApnsOptions, 'url'> & { url?: string };
}

export const NOTIFICATION_DEFAULTS = {
  collapseWindowMs: 2_000,
  collapseSettleMs: 250,
  previewLength: 100,
  hideContent: false,
  ttlSeconds: 86_400,
  requestTimeoutMs: 10_000,
  allowLoopbackHttp: false,
  maxDevicesPerUser: 20,
  fcmUrl: 'https://fcm.googleapis.com',
  apnsUrl: 'https://api.push.apple.com',
} as const;

/** Push payloads are capped at 4 KB by every platform: 500 characters of up to 4 bytes each stays under. */
export const MAX_PREVIEW_LENGTH = 500;

/**
 * Options from the validated config plus overrides. VAPID keys: as given, else (embedded, one process)
 * generated into DATA_DIR; a distributed deployment must give them, since every process has to sign with
 * the key the browsers subscribed with, so without them Web Push is off.
 */
export function notificationOptions(
  config: AppConfig,
  overrides: NotificationOverrides = {},
): NotificationOptions {
  const d = NOTIFICATION_DEFAULTS;
  const options: NotificationOptions = {
    collapseWindowMs: overrides.collapseWindowMs ?? d.collapseWindowMs,
    collapseSettleMs: overrides.collapseSettleMs ?? d.collapseSettleMs,
    previewLength: overrides.previewLength ?? d.previewLength,
    hideContent: overrides.hideContent ?? d.hideContent,
    ttlSeconds: overrides.ttlSeconds ?? d.ttlSeconds,
    requestTimeoutMs: overrides.requestTimeoutMs ?? d.requestTimeoutMs,
    allowLoopbackHttp: overrides.allowLoopbackHttp ?? d.allowLoopbackHttp,
    maxDevicesPerUser: overrides.maxDevicesPerUser ?? d.maxDevicesPerUser,
    vapid: vapidOptions(config, overrides.vapid),
    fcm: overrides.fcm && { url: d.fcmUrl, ...overrides.fcm },
    apns: overrides.apns && { url: d.apnsUrl, ...overrides.apns },
  };
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max)
      throw new Error(`notification: ${name} must be a whole number from ${min} to ${max} (got ${v})`);
  };
  int('collapseWindowMs', options.collapseWindowMs, 0, 3_600_000);
  int('collapseSettleMs', options.collapseSettleMs, 0, 60_000);
  int('previewLength', options.previewLength, 0, MAX_PREVIEW_LENGTH);
  int('ttlSeconds', options.ttlSeconds, 0, 28 * 86_400);
  int('requestTimeoutMs', options.requestTimeoutMs, 100, 120_000);
  int('maxDevicesPerUser', options.maxDevicesPerUser, 1, 1_000);
  return options;
}

function vapidOptions(config: AppConfig, given: NotificationOverrides['vapid']): VapidOptions | undefined {
  const subject =
    given?.subject ??
    (config.publicUrl?.startsWith('https://') ? config.publicUrl : 'mailto:admin@localhost');
  if (!/^(mailto:|https:\/\/)/.test(subject))
    throw new Error('VAPID_SUBJECT must be a mailto: or https: URL');
  if (given) {
    assertVapidKeys(given);
    return { publicKey: given.publicKey, privateKey: given.privateKey, subject };
  }
  // Generated keys live in the data dir of one process: only a fully embedded server makes its own.
  const t = config.topology;
  if (t.relational !== 'sqlite' || t.sharedState !== 'memory') return undefined;
  return { ...embeddedVapidKeys(config.dataDir), subject };
}

/** The push settings of the environment (AppConfig.push) as module overrides. */
export function notificationOverridesFrom(config: AppConfig): NotificationOverrides {
  const p = config.push;
  return {
    collapseWindowMs: p.collapseWindowMs,
    previewLength: p.previewLength,
    hideContent: p.hideContent,
    ttlSeconds: p.ttlSeconds,
    requestTimeoutMs: p.requestTimeoutMs,
    allowLoopbackHttp: p.allowLoopbackHttp,
    vapid: p.vapid && config.vapidPrivateKey ? { ...p.vapid, privateKey: config.vapidPrivateKey } : undefined,
    fcm: p.fcm,
    apns: p.apns,
  };
}
