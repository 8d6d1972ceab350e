import type { Message } from './message';

/**
 * Delivers `message:new` to users' devices (room `user:<id>` on every node). The chat gateway binds it to
 * its Socket.IO server; `exceptSocketId` skips the sending socket, which gets the message in its ack.
 */
export abstract class MessagePublisher {
  abstract publish(userIds: readonly string[], message: Message, exceptSocketId?: string): void;
}
