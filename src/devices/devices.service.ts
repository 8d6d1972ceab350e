import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { DEVICES_OPTIONS, DevicesOptions } from './devices.options';
import { Device, DevicesRepository, NewDevice, WebPushSubscription } from './devices.repository';
import { DeviceDto, RegisterDeviceDto, WebPushSubscriptionDto } from './devices.dto';
import { checkPushUrl } from './push-endpoint';

const FCM_TOKEN = /^[A-Za-z0-9_:.-]{1,4096}$/;
/** 32 bytes in hex today; Apple says the length may grow, so allow up to 100 bytes. */
const APNS_TOKEN = /^(?:[0-9a-fA-F]{2}){32,100}$/;

const dto = (d: Device): DeviceDto => ({
  deviceId: d.deviceId,
  platform: d.platform,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});

@Injectable()
export class DevicesService {
  private readonly logger = new Logger(DevicesService.name);

  constructor(
    private readonly devices: DevicesRepository,
    @Inject(DEVICES_OPTIONS) private readonly options: DevicesOptions,
  ) {}

  /** Registers the device, replacing what the user had under that deviceId. */
  async register(userId: string, body: RegisterDeviceDto): Promise<DeviceDto> {
    const device = await this.devices.save({ userId, deviceId: body.deviceId, ...this.address(body) });
    const moved = await this.devices.removeOtherHolders(device);
    const trimmed = await this.devices.trimOldest(userId, device.deviceId, this.options.maxDevicesPerUser);
    if (moved || trimmed)
      this.logger.log(
        `device ${device.deviceId}: dropped ${moved} other holder(s), ${trimmed} old device(s)`,
      );
    return dto(device);
  }

  async unregister(userId: string, deviceId: string): Promise<void> {
    if (!(await this.devices.remove(userId, deviceId))) throw AppError.notFound('device not found');
  }

  vapidPublicKey(): { publicKey: string } {
    const publicKey = this.options.webPushPublicKey;
    if (!publicKey) throw AppError.notFound('Web Push is not configured on this server');
    return { publicKey };
  }

  /** The platform's address, validated: web takes a subscription, fcm and apns a token. */
  private address(body: RegisterDeviceDto): Pick<NewDevice, 'platform' | 'token' | 'subscription'> {
    const { platform, token, subscription } = body;
    if (platform === 'web') {
      if (token !== undefined) throw AppError.badRequest('a web device takes a subscription, not a token');
      if (!subscription) throw AppError.badRequest('a web device needs its push subscription');
      return { platform, token: null, subscription: this.subscription(subscription) };
    }
    if (subscription !== undefined)
      throw AppError.badRequest(`a ${platform} device takes a token, not a subscription`);
    if (token === undefined) throw AppError.badRequest(`a ${platform} device needs its push token`);
    if (platform === 'fcm' && !FCM_TOKEN.test(token)) throw AppError.badRequest('token is not an FCM token');
    if (platform === 'apns' && !APNS_TOKEN.test(token))
      throw AppError.badRequest('token is not an APNs device token (hex)');
    return { platform, token, subscription: null };
  }

  private subscription(s: WebPushSubscriptionDto): WebPushSubscription {
    const url = checkPushUrl(s.endpoint, this.options.allowLoopbackHttp);
    if (typeof url === 'string') throw AppError.badRequest(`subscription.endpoint ${url}`);
    const p256dh = Buffer.from(s.keys.p256dh, 'base64url');
    if (p256dh.length !== 65 || p256dh[0] !== 4)
      throw AppError.badRequest('subscription.keys.p256dh is not an uncompressed P-256 public key');
    if (Buffer.from(s.keys.auth, 'base64url').length !== 16)
      throw AppError.badRequest('subscription.keys.auth must be 16 bytes');
    return { endpoint: url.href, keys: { p256dh: s.keys.p256dh, auth: s.keys.auth } };
  }
}
