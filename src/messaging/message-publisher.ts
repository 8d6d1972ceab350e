import { Injectable } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { RealtimeEmitter, userRoom } from '../realtime/realtime-emitter';
import type { Message } from './message';

/**
 * Delivers `message:new` to every device of the given users (room `user:<id>` on every node), in one emit
 * so the payload is serialised once however many users it reaches. `exceptSocketId` skips the sending
 * socket, which gets the message in its ack.
 */
@Injectable()
export class MessagePublisher {
  constructor(
    private readonly realtime: RealtimeEmitter,
    private readonly metrics: MetricsService,
  ) {}

  publish(userIds: readonly string[], message: Message, exceptSocketId?: string): void {
    this.realtime.emit(userIds.map(userRoom), 'message:new', message, exceptSocketId);
    this.metrics.messagesDelivered.inc({ channel_type: message.channelType }, userIds.length);
  }
}
