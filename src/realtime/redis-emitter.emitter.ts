import { Injectable } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import { RedisService } from '../redis/redis.service';
import { RealtimeEmitter } from './realtime-emitter';

/** The Socket.IO adapter's Redis key; chat nodes and emitters must agree on it. */
export const SOCKET_IO_REDIS_KEY = 'chat:sio';

/** For processes that hold no sockets (worker, presence): publishes to the chat nodes' Redis adapter. */
@Injectable()
export class RedisEmitterEmitter extends RealtimeEmitter {
  private readonly emitter: Emitter;

  constructor(redis: RedisService) {
    super();
    this.emitter = new Emitter(redis.client, { key: SOCKET_IO_REDIS_KEY });
  }

  emit(rooms: readonly string[], event: string, payload: unknown, exceptSocketId?: string): void {
    if (!rooms.length) return;
    const target = this.emitter.to([...rooms]);
    (exceptSocketId ? target.except(exceptSocketId) : target).emit(event, payload);
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

  broadcast(event: string, payload: unknown): void {
    this.emitter.emit(event, payload);
  }

  connectedHere(): boolean {
    return false; // this role holds no sockets
  }
}
