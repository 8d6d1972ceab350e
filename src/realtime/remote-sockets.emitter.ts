import { Injectable } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import type { ServerEventName, ServerEventPayload, ServerEvents } from '../contract';
import { RedisService } from '../redis/redis.service';
import { eventArgs, RealtimeEmitter } from './realtime-emitter';

/** The Socket.IO adapter's Redis key; chat nodes and emitters must agree on it. */
export const SOCKET_IO_REDIS_KEY = 'chat:sio';

/**
 * For processes that hold no sockets (worker, presence): reaches the sockets the chat nodes hold by
 * publishing to their Socket.IO Redis adapter.
 */
@Injectable()
export class RemoteSocketsEmitter extends RealtimeEmitter {
  private readonly emitter: Emitter<ServerEvents>;

  constructor(redis: RedisService) {
    super();
    this.emitter = new Emitter(redis.client, { key: SOCKET_IO_REDIS_KEY });
  }

  emit<E extends ServerEventName>(
    rooms: readonly string[],
    event: E,
    payload: ServerEventPayload<E>,
    exceptSocketId?: string,
  ): void {
    if (!rooms.length) return;
    const target = this.emitter.to([...rooms]);
    (exceptSocketId ? target.except(exceptSocketId) : target).emit(event, ...eventArgs<E>(payload));
  }

  join(of: string, rooms: readonly string[]): void {
    this.emitter.in(of).socketsJoin([...rooms]);
  }

  leave(of: string, rooms: readonly string[]): void {
    this.emitter.in(of).socketsLeave([...rooms]);
  }

  disconnect(of: string, except?: string): void {
    const target = this.emitter.in(of);
    (except ? target.except(except) : target).disconnectSockets(true);
  }

  broadcast<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): void {
    this.emitter.emit(event, ...eventArgs<E>(payload));
  }

  connectedHere(): boolean {
    return false; // this role holds no sockets
  }
}
