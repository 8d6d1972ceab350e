import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';
import type { Message } from '../messaging/message';
import { MessagePublisher } from '../messaging/message-publisher';

export const userRoom = (userId: string) => `user:${userId}`;

/** Emits through this node's Socket.IO server; with the Redis adapter the emit reaches every node. */
@Injectable()
export class SocketPublisher extends MessagePublisher {
  private server?: Server;

  bind(server: Server): void {
    this.server = server;
  }

  publish(userIds: readonly string[], message: Message, exceptSocketId?: string): void {
    if (!this.server) throw new Error('SocketPublisher used before the gateway started');
    const target = this.server.to(userIds.map(userRoom));
    (exceptSocketId ? target.except(exceptSocketId) : target).emit('message:new', message);
  }
}
