import { Logger } from '@nestjs/common';
import type { Device } from '../../devices/devices.repository';
import type { PushPayload } from '../push-payload';
import { PushOutcome, PushProvider } from './push-provider';

/**
 * Development stand-in for a platform that is not configured: logs that a push would have gone out,
 * with ids and the count only (no message text, no token), and reports success.
 */
export class LogPushProvider extends PushProvider {
  readonly name = 'log';
  private readonly logger = new Logger('PushLog');

  async send(device: Device, payload: PushPayload): Promise<PushOutcome> {
    this.logger.log(
      `push (${device.platform} not configured, logged only) to user ${device.userId} device ` +
        `${device.deviceId}: ${payload.count} message(s) in ${payload.channelId}, newest ${payload.messageId}`,
    );
    return { result: 'ok' };
  }
}
