/**
 * What device registration needs to know about push. Devices sit below notification (the push worker reads
 * them), so they define this port and the notification module, which owns the push settings, provides it.
 */
export const DEVICES_OPTIONS = Symbol('DEVICES_OPTIONS');

export interface DevicesOptions {
  /** Devices kept per user; registering one more drops the least recently registered. */
  maxDevicesPerUser: number;
  /** Accept http:// and loopback push URLs (local stand-ins in tests only). */
  allowLoopbackHttp: boolean;
  /** The server's VAPID public key; undefined when Web Push is not configured. */
  webPushPublicKey: string | undefined;
}
