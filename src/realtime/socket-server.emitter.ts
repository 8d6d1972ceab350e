import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';
import { RealtimeEmitter, userRoom } from './realtime-emitter';

/** Emits through this chat node's Socket.IO server; with the Redis adapter the operation reaches every node. */
@Injectable()
export class SocketServerEmitter extends RealtimeEmitter {
  private server?: Server;

  bind(server: Server): void {
    this.server = server;
  }

  emit(rooms: readonly string[], event: string, payload: unknown, exceptSocketId?: string): void {
    if (!rooms.length) return;
    const target = this.io().to([...rooms]);
    (exceptSocketId ? target.except(exceptSocketId) : target).emit(event, payload);
  }

  join(of: string, rooms: readonly string[]): void {
    this.io()
      .in(of)
      .socketsJoin([...rooms]);
  }

  leave(of: string, rooms: readonly string[]): void {
    this.io()
      .in(of)
      .socketsLeave([...rooms]);
  }

  disconnect(of: string, except?: string): void {
    const target = this.io().in(of);
    (except ? target.except(except) : target).disconnectSockets(true);
  }

  connectedHere(userId: string): boolean {
    return (this.server?.of('/').adapter.rooms.get(userRoom(userId))?.size ?? 0) > 0;
  }

  private io(): Server {
    if (!this.server) throw new Error('the Socket.IO server is not started yet');
    return this.server;
  }

  broadcast(event: string, payload: unknown): void {
    this.io().emit(event, payload);
  }
}
