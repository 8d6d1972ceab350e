import type { ChatStore } from './store';

/** Whether this browser can take Web Push at all (a secure context with a service worker and PushManager). */
export const pushSupported = (): boolean =>
  typeof window !== 'undefined' &&
  window.isSecureContext &&
  'serviceWorker' in navigator &&
  'PushManager' in window;

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const raw = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** Registers the service worker (it shows notifications), nothing else: no permission prompt. */
export async function registerServiceWorker(): Promise<ServiceWorkerRegistration | undefined> {
  if (!('serviceWorker' in navigator)) return undefined;
  return navigator.serviceWorker.register('/sw.js');
}

/**
 * Asks for permission, subscribes with the server's VAPID key (GET /api/devices/vapid-public-key) and
 * registers this tab's device with the subscription (POST /api/devices).
 */
export async function enablePush(store: ChatStore): Promise<void> {
  if (!pushSupported()) throw new Error('This browser cannot show notifications from this page.');
  const { publicKey } = await store.client.http.vapidPublicKey();
  if ((await Notification.requestPermission()) !== 'granted')
    throw new Error('Notifications were not allowed.');
  const reg = (await registerServiceWorker())!;
  await navigator.serviceWorker.ready;
  const sub =
    (await reg.pushManager.getSubscription()) ??
    (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
  const json = sub.toJSON() as {
    endpoint: string;
    expirationTime?: number | null;
    keys: { p256dh: string; auth: string };
  };
  await store.client.http.registerDevice({
    deviceId: store.client.deviceId,
    platform: 'web',
    subscription: json,
  });
}
