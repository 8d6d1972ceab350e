import { Logger, OnModuleDestroy } from '@nestjs/common';
import {
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import { randomUUID } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import { AccessAuthenticator } from '../auth/access-authenticator';
import type { AuthUser } from '../common/auth-user';
import { AppError } from '../common/app-error';
import { validatePayload } from '../common/validation';
import { CLIENT_EVENT_NAMES } from '../contract';
import type { AckOf, ClientEventName, ClientEvents, HandshakeAuth, ServerEvents } from '../contract';
import { MessageChangesService } from '../messaging/message-changes.service';
import type { Message } from '../messaging/message';
import {
  EditTargetDto,
  MessageTargetDto,
  parseSendMessage,
  ReactionTargetDto,
  SendMessageDto,
  SyncQuery,
  TypingDto,
  ReadTargetDto,
} from '../messaging/messaging.dto';
import { TypingService } from '../messaging/typing.service';
import { ReadMarkersService } from '../messaging/read-markers.service';
import { ReadMessagesService } from '../messaging/read-messages.service';
import { SendMessageService } from '../messaging/send-message.service';
import { MetricsService } from '../metrics/metrics.service';
import { FriendsRepository } from '../friends/friends.repository';
import { DevicePresence } from '../presence/device-presence.service';
import { PresenceNotifier } from '../presence/presence-notifier';
import { presenceRoom, sessionRoom, userRoom } from '../realtime/realtime-emitter';
import { SocketServerEmitter } from '../realtime/socket-server.emitter';
import { errorAck, handshakeError, toAck } from './ack';
import { ChatDrain } from './chat-drain.service';
import { SendOrder } from './send-order';
import { SendRateLimiter } from './send-rate-limiter';
import { SOCKET_LEASE_RENEW_MS, SocketQuota, SocketRef } from './socket-quota';

/** What the handshake established about a connection, kept for its life. */
interface ConnectionData {
  user: AuthUser;
  deviceId: string;
  /** Read during the handshake so the presence rooms are joined before the first event; emptied then. */
  friendIds: readonly string[];
  /** The order of this device's sends (see onSend). */
  sends: SendOrder;
}
/** The server's end of one client's Socket.IO connection, typed by the client contract. */
type GatewaySocket = Socket<ClientEvents, ServerEvents, Record<string, never>, ConnectionData>;
type GatewayServer = Server<ClientEvents, ServerEvents, Record<string, never>, ConnectionData>;

const NONE: readonly string[] = [];
const NO_AUTH = Object.freeze({});
const DEVICE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Thin transport: authenticate the handshake, validate each event, make one call, answer with an ack. */
@WebSocketGateway()
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger(ChatGateway.name);
  private leaseRenewal?: NodeJS.Timeout;

  constructor(
    private readonly authenticator: AccessAuthenticator,
    private readonly sender: SendMessageService,
    private readonly reader: ReadMessagesService,
    private readonly changes: MessageChangesService,
    private readonly typing: TypingService,
    private readonly markers: ReadMarkersService,
    private readonly limiter: SendRateLimiter,
    private readonly emitter: SocketServerEmitter,
    private readonly metrics: MetricsService,
    private readonly friends: FriendsRepository,
    private readonly presence: DevicePresence,
    private readonly presenceNotifier: PresenceNotifier,
    private readonly drain: ChatDrain,
    private readonly quota: SocketQuota,
  ) {}

  afterInit(server: GatewayServer): void {
    this.emitter.bind(server);
    this.drain.bind(server);
    // Online is announced where the device connects (or comes back after a sweep): here.
    this.presence.onOnline((userIds) => {
      const now = new Date().toISOString();
      for (const userId of userIds)
        this.presenceNotifier.changed({ userId, status: 'online', lastActiveAt: now });
    });
    server.use((socket, next) => {
      if (this.drain.draining) return next(new Error('unavailable'));
      this.authenticate(socket)
        .then(() => next())
        .catch((e: unknown) => next(handshakeError(e)));
    });
    // The sockets open here keep their places in the per-user quota; a crashed node's lapse on their own.
    this.leaseRenewal = setInterval(() => this.renewLeases(server), SOCKET_LEASE_RENEW_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.leaseRenewal);
  }

  private renewLeases(server: GatewayServer): void {
    const refs: SocketRef[] = [];
    for (const socket of server.of('/').sockets.values())
      if (socket.data.user) refs.push({ userId: socket.data.user.id, socketId: socket.id });
    this.quota.renew(refs).catch((e: Error) => this.logger.warn(`socket lease renewal: ${e.message}`));
  }

  private async authenticate(socket: GatewaySocket): Promise<void> {
    // As the client sent it: any value may be in any field.
    const auth = (socket.handshake.auth ?? {}) as { [K in keyof HandshakeAuth]?: unknown };
    const user = await this.authenticator.authenticate(auth.token);
    const deviceId =
      typeof auth.deviceId === 'string' && DEVICE_ID.test(auth.deviceId)
        ? auth.deviceId
        : `anon-${randomUUID()}`;
    const friendIds = await this.friends.friendIds(user.id);
    socket.data = { user, deviceId, friendIds, sends: new SendOrder() };
    // The bearer token is not needed once verified: do not keep it for the life of the connection
    // (the device id is in socket.data).
    socket.handshake.auth = NO_AUTH;
    // Last: a refused handshake must not hold a place. One that never connects lapses with its lease.
    if (!(await this.quota.admit({ userId: user.id, socketId: socket.id })))
      throw new AppError('rate_limited', 'too many open sockets for this user');
  }

  async handleConnection(socket: GatewaySocket): Promise<void> {
    const { user, friendIds } = socket.data;
    this.listen(socket);
    // Rooms are joined before any event is handled, so a sync that follows cannot miss a live message.
    // The session's room lets a logout or a revoked session disconnect exactly its sockets, on every node.
    const own = user.sid === undefined ? [userRoom(user.id)] : [userRoom(user.id), sessionRoom(user.sid)];
    void socket.join([...own, ...friendIds.map(presenceRoom)]);
    socket.data.friendIds = NONE;
    this.metrics.connections.inc();
    // The transport's own ping-pong counts as a heartbeat too.
    socket.conn.on('heartbeat', () => this.presence.heartbeat(user.id, socket.id));
    await this.presence
      .connected(user.id, socket.id)
      .catch((e: Error) => this.logger.warn(`presence connect: ${e.message}`));
  }

  async handleDisconnect(socket: GatewaySocket): Promise<void> {
    this.metrics.connections.dec();
    if (!socket.data.user) return;
    this.quota
      .release({ userId: socket.data.user.id, socketId: socket.id })
      .catch((e: Error) => this.logger.warn(`socket quota release: ${e.message}`));
    await this.presence
      .disconnected(socket.data.user.id, socket.id)
      .catch((e: Error) => this.logger.warn(`presence disconnect: ${e.message}`));
  }

  /**
   * The client events are plain Socket.IO listeners, not `@SubscribeMessage` handlers: Nest's per-event
   * pipeline (rxjs, parameter decorators, its ack wrapper) cost as much CPU as a send itself at saturation,
   * and its per-socket subscriptions about 9 KB of heap per idle connection (docs/benchmarks.md). An event sent
   * without a payload gets its ack callback as the first argument.
   */
  private listen(socket: GatewaySocket): void {
    const split = (payload: unknown, ack: unknown): [unknown, unknown] =>
      typeof payload === 'function' && ack === undefined ? [undefined, payload] : [payload, ack];
    const answer = <E extends ClientEventName>(ack: unknown, result: Promise<AckOf<E>>) =>
      void result.then((a) => typeof ack === 'function' && (ack as (a: AckOf<E>) => void)(a));
    socket.on('message:send', (payload: unknown, ack?: unknown) =>
      this.onSend(socket, ...split(payload, ack)),
    );
    socket.on('sync', (payload: unknown, ack?: unknown) => {
      const [query, callback] = split(payload, ack);
      answer<'sync'>(callback, this.onSync(socket, query));
    });
    socket.on('presence:heartbeat', (payload: unknown, ack?: unknown) =>
      answer<'presence:heartbeat'>(split(payload, ack)[1], this.onHeartbeat(socket)),
    );
    const change =
      <E extends 'message:edit' | 'message:delete' | 'reaction:add' | 'reaction:remove'>(
        event: E,
        run: (userId: string, payload: unknown) => Promise<{ message: Message }>,
      ) =>
      (payload: unknown, ack?: unknown) => {
        const [input, callback] = split(payload, ack);
        const result = toAck(event, async () => {
          // Changes count against the same per-user rate as sends.
          if (!(await this.limiter.take(socket.data.user.id)))
            throw new AppError('rate_limited', 'changing messages too fast; slow down');
          return { message: (await run(socket.data.user.id, input)).message };
        });
        answer<E>(callback, result as Promise<AckOf<E>>);
      };
    socket.on(
      'message:edit',
      change('message:edit', (userId, p) => {
        const t = validatePayload(EditTargetDto, p);
        return this.changes.edit(userId, t.channelId, t.messageId, t.content);
      }),
    );
    socket.on(
      'message:delete',
      change('message:delete', (userId, p) => {
        const t = validatePayload(MessageTargetDto, p);
        return this.changes.delete(userId, t.channelId, t.messageId);
      }),
    );
    socket.on(
      'reaction:add',
      change('reaction:add', (userId, p) => {
        const t = validatePayload(ReactionTargetDto, p);
        return this.changes.react(userId, t.channelId, t.messageId, t.emoji, true);
      }),
    );
    socket.on(
      'reaction:remove',
      change('reaction:remove', (userId, p) => {
        const t = validatePayload(ReactionTargetDto, p);
        return this.changes.react(userId, t.channelId, t.messageId, t.emoji, false);
      }),
    );
    socket.on('typing', (payload: unknown, ack?: unknown) => {
      const [input, callback] = split(payload, ack);
      answer<'typing'>(
        callback,
        toAck('typing', async () => {
          const { channelId } = validatePayload(TypingDto, input);
          await this.typing.typing(socket.data.user.id, channelId);
          return {};
        }),
      );
    });
    socket.on('read', (payload: unknown, ack?: unknown) => {
      const [input, callback] = split(payload, ack);
      answer<'read'>(
        callback,
        toAck('read', async () => {
          const { channelId, messageId } = validatePayload(ReadTargetDto, input);
          await this.markers.read(socket.data.user.id, channelId, messageId);
          return {};
        }),
      );
    });
    // An event this server does not know is answered `bad_request` when it came with an ack, not left hanging.
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && Object.hasOwn(CLIENT_EVENT_NAMES, event)) return;
      this.metrics.socketErrors.inc({ event: 'unknown', code: 'bad_request' });
      const ack = args.at(-1);
      if (typeof ack === 'function')
        ack(
          errorAck(
            'unknown',
            AppError.badRequest(`unknown event ${JSON.stringify(String(event).slice(0, 64))}`),
          ),
        );
    });
  }

  /**
   * A send is admitted on receipt, then runs in its device's order (SendOrder): the sends of one socket
   * start one after another and are delivered and acked in order, while their writes overlap. Its
   * correlation id follows it into the fan-out and push jobs it causes and their log lines.
   */
  private onSend(socket: GatewaySocket, payload: unknown, ack: unknown): void {
    const reply = typeof ack === 'function' ? (ack as (answer: AckOf<'message:send'>) => void) : undefined;
    const received = process.hrtime.bigint();
    this.drain.begin();
    const ctx = { userId: socket.data.user.id, socketId: socket.id, correlationId: randomUUID() };
    const admitted = this.admit(socket, payload);
    admitted.catch(() => undefined); // answered in the device's order, below
    // Never rejects: every failure becomes an error ack.
    const acked = socket.data.sends
      .run(async () => {
        const ticket = await this.sender.start(ctx, await admitted);
        return () => ticket.deliver();
      })
      .then(
        (message) => ({ ok: true as const, message }),
        (e: unknown) => errorAck('message:send', e, ctx.correlationId),
      );
    void acked.then((answer) => {
      this.drain.end();
      if (answer.ok) {
        this.metrics.messagesSent.inc({ channel_type: answer.message.channelType });
        this.metrics.sendToAck.observe(Number(process.hrtime.bigint() - received) / 1e9);
      } else {
        this.metrics.socketErrors.inc({ event: 'message:send', code: answer.error.code });
      }
      reply?.(answer);
    });
  }

  /**
   * The payload check and the rate limit, on receipt rather than in the device's chain: with the limit in
   * Redis, a burst's takes go out together instead of one round trip after another.
   */
  private async admit(socket: GatewaySocket, payload: unknown): Promise<SendMessageDto> {
    const input = parseSendMessage(payload);
    if (!(await this.limiter.take(socket.data.user.id)))
      throw new AppError('rate_limited', 'sending too fast; slow down');
    return input;
  }

  private async onSync(socket: GatewaySocket, payload: unknown): Promise<AckOf<'sync'>> {
    return toAck('sync', async () => {
      const q = validatePayload(SyncQuery, payload ?? {});
      if (q.limit !== undefined && (typeof q.limit !== 'number' || !Number.isInteger(q.limit))) {
        throw AppError.badRequest('limit must be an integer');
      }
      return this.reader.sync(socket.data.user.id, q.after, q.limit);
    });
  }

  private async onHeartbeat(socket: GatewaySocket): Promise<AckOf<'presence:heartbeat'>> {
    return toAck('presence:heartbeat', async () => {
      this.presence.heartbeat(socket.data.user.id, socket.id);
      return {};
    });
  }
}
