import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';
import type { ClientEvents, ServerEventName, ServerEventPayload, ServerEvents } from '../contract';
import { eventArgs, RealtimeEmitter, userRoom } from './realtime-emitter';

/** A chat node's Socket.IO server, typed by the client contract's events. */
export type ChatServer = Server<ClientEvents, ServerEvents>;

/** Emits through this chat node's Socket.IO server; with the Redis adapter the operation reaches every node. */
@Injectable()
export class SocketServerEmitter extends RealtimeEmitter {
  private server?: ChatServer;

  bind(server: ChatServer): void {
    this.server = server;
  }

  emit<E extends ServerEventName>(
    rooms: readonly string[],
    event: E,
    payload: ServerEventPayload<E>,
    exceptSocketId?: string,
  ): void {
    if (!rooms.length) return;
    const target = this.io().to([...rooms]);
    (exceptSocketId ? target.except(exceptSocketId) : target).emit(event, ...eventArgs<E>(payload));
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

  private io(): ChatServer {
    if (!this.server) throw new Error('the Socket.IO server is not started yet');
    return this.server;
  }

  broadcast<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): void {
    this.io().emit(event, ...eventArgs<E>(payload));
  }
}
