import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { DevicePlatform } from '../../devices/device.entity';
import { NOTIFICATION_OPTIONS, NotificationOptions } from '../notification.options';
import { ApnsProvider } from './apns.provider';
import { FcmProvider } from './fcm.provider';
import { LogPushProvider } from './log.provider';
import { PushProvider } from './push-provider';
import { WebPushProvider } from './web-push.provider';

/**
 * The provider of each platform: the real one when it is configured, else the log provider. Built at
 * start-up, so a bad key file or URL stops the process with a message instead of failing every push.
 */
@Injectable()
export class PushProviders implements OnApplicationShutdown {
  private readonly byPlatform: Record<DevicePlatform, PushProvider>;

  constructor(@Inject(NOTIFICATION_OPTIONS) o: NotificationOptions) {
    const log = new LogPushProvider();
    const settings = {
      ttlSeconds: o.ttlSeconds,
      requestTimeoutMs: o.requestTimeoutMs,
      allowLoopbackHttp: o.allowLoopbackHttp,
    };
    this.byPlatform = {
      web: o.vapid ? new WebPushProvider(o.vapid, settings) : log,
      fcm: o.fcm ? new FcmProvider(o.fcm, settings) : log,
      apns: o.apns ? new ApnsProvider(o.apns, settings) : log,
    };
  }

  for(platform: DevicePlatform): PushProvider {
    return this.byPlatform[platform];
  }

  /** platform -> provider name, for the start-up log line. */
  describe(): Record<DevicePlatform, string> {
    return {
      web: this.byPlatform.web.name,
      fcm: this.byPlatform.fcm.name,
      apns: this.byPlatform.apns.name,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(Object.values(this.byPlatform).map((p) => p.close()));
  }
}
