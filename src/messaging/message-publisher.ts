import { Injectable } from '@nestjs/common';
import { RealtimeEmitter, userRoom } from '../realtime/realtime-emitter';
import type { Message } from './message';

/**
 * Delivers `message:new` to every device of the given users (room `user:<id>` on every node), in one emit
 * so the payload is serialised once however many users it reaches. `exceptSocketId` skips the sending
 * socket, which gets the message in its ack.
 */
@Injectable()
export class MessagePublisher {
  constructor(private readonly realtime: RealtimeEmitter) {}

  publish(userIds: readonly string[], message: Message, exceptSocketId?: string): void {
    this.realtime.emit(userIds.map(userRoom), 'message:new', message, exceptSocketId);
  }
}
