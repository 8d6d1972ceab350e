import { Logger, OnModuleDestroy } from '@nestjs/common';
import {
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import { randomUUID } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import { AccessTokens } from '../auth/access-token';
import type { AuthUser } from '../common/auth-user';
import { RefreshTokens } from '../auth/refresh-tokens';
import { AppError } from '../common/app-error';
import { validatePayload } from '../common/validation';
import type { Message } from '../messaging/message';
import { parseSendMessage, SendMessageDto, SyncQuery } from '../messaging/messaging.dto';
import { ReadMessagesService } from '../messaging/read-messages.service';
import { SendMessageService } from '../messaging/send-message.service';
import { MetricsService } from '../metrics/metrics.service';
import { FriendsRepository } from '../friends/friends.repository';
import { DevicePresence } from '../presence/device-presence.service';
import { PresenceNotifier } from '../presence/presence-notifier';
import { presenceRoom, sessionRoom, userRoom } from '../realtime/realtime-emitter';
import { SocketServerEmitter } from '../realtime/socket-server.emitter';
import { UsersRepository } from '../users/users.repository';
import { Ack, errorAck, handshakeError, toAck } from './ack';
import { ChatDrain } from './chat-drain.service';
import { SendRateLimiter } from './send-rate-limiter';
import { SOCKET_LEASE_RENEW_MS, SocketQuota, SocketRef } from './socket-quota';

interface SocketData {
  user: AuthUser;
  deviceId: string;
  /** Read during the handshake so the presence rooms are joined before the first event; emptied then. */
  friendIds: readonly string[];
  /** Where the next send of this socket may start (see onSend). */
  sendChain: Promise<unknown>;
  /** The ack of the socket's latest send: the next ack waits for it. */
  lastAck: Promise<unknown>;
}
type SendAck = Ack<{ message: Message }>;
type ChatSocket = Socket<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>;

const SETTLED: Promise<unknown> = Promise.resolve();
const NONE: readonly string[] = [];
const NO_AUTH = Object.freeze({});
const DEVICE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Thin transport: authenticate the handshake, validate each event, make one call, answer with an ack. */
@WebSocketGateway()
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger(ChatGateway.name);
  private leaseRenewal?: NodeJS.Timeout;

  constructor(
    private readonly tokens: AccessTokens,
    private readonly users: UsersRepository,
    private readonly sender: SendMessageService,
    private readonly reader: ReadMessagesService,
    private readonly limiter: SendRateLimiter,
    private readonly emitter: SocketServerEmitter,
    private readonly metrics: MetricsService,
    private readonly friends: FriendsRepository,
    private readonly presence: DevicePresence,
    private readonly presenceNotifier: PresenceNotifier,
    private readonly drain: ChatDrain,
    private readonly sessions: RefreshTokens,
    private readonly quota: SocketQuota,
  ) {}

  afterInit(server: Server): void {
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
      this.authenticate(socket as ChatSocket)
        .then(() => next())
        .catch((e: unknown) => next(handshakeError(e)));
    });
    // The sockets open here keep their places in the per-user quota; a crashed node's lapse on their own.
    this.leaseRenewal = setInterval(() => this.renewLeases(server), SOCKET_LEASE_RENEW_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.leaseRenewal);
  }

  private renewLeases(server: Server): void {
    const refs: SocketRef[] = [];
    for (const socket of (server.of('/').sockets as Map<string, ChatSocket>).values())
      if (socket.data.user) refs.push({ userId: socket.data.user.id, socketId: socket.id });
    this.quota.renew(refs).catch((e: Error) => this.logger.warn(`socket lease renewal: ${e.message}`));
  }

  private async authenticate(socket: ChatSocket): Promise<void> {
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; deviceId?: unknown };
    const user = this.tokens.verify(auth.token);
    const [record, live] = await Promise.all([
      this.users.findById(user.id),
      user.sid === undefined ? true : this.sessions.isLive(user.sid),
    ]);
    if (!record) throw AppError.unauthorized();
    if (record.banned) throw AppError.forbidden();
    if (!live) throw AppError.unauthorized();
    const deviceId =
      typeof auth.deviceId === 'string' && DEVICE_ID.test(auth.deviceId)
        ? auth.deviceId
        : `anon-${randomUUID()}`;
    const friendIds = await this.friends.friendIds(user.id);
    socket.data = { user, deviceId, friendIds, sendChain: SETTLED, lastAck: SETTLED };
    // The bearer token is not needed once verified: do not keep it for the life of the connection
    // (the device id is in socket.data).
    socket.handshake.auth = NO_AUTH;
    // Last: a refused handshake must not hold a place. One that never connects lapses with its lease.
    if (!(await this.quota.admit({ userId: user.id, socketId: socket.id })))
      throw new AppError('rate_limited', 'too many open sockets for this user');
  }

  async handleConnection(socket: ChatSocket): Promise<void> {
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

  async handleDisconnect(socket: ChatSocket): Promise<void> {
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
   * and its per-socket subscriptions about 9 KB of heap per idle connection (README, Measured). An event sent
   * without a payload gets its ack callback as the first argument.
   */
  private listen(socket: ChatSocket): void {
    const split = (payload: unknown, ack: unknown): [unknown, unknown] =>
      typeof payload === 'function' && ack === undefined ? [undefined, payload] : [payload, ack];
    const answer = (ack: unknown, result: Promise<object>) =>
      void result.then((a) => typeof ack === 'function' && (ack as (a: object) => void)(a));
    socket.on('message:send', (payload: unknown, ack?: unknown) =>
      this.onSend(socket, ...split(payload, ack)),
    );
    socket.on('sync', (payload: unknown, ack?: unknown) => {
      const [query, callback] = split(payload, ack);
      answer(callback, this.onSync(socket, query));
    });
    socket.on('presence:heartbeat', (payload: unknown, ack?: unknown) =>
      answer(split(payload, ack)[1], this.onHeartbeat(socket)),
    );
  }

  /**
   * Sends of one socket start one after another (checks, id, queued write), and each is acked and delivered
   * only after the one before it: a device's messages keep their order. Their writes overlap, so a burst
   * from one device shares one commit instead of waiting for one fsync per message.
   */
  private onSend(socket: ChatSocket, payload: unknown, ack: unknown): void {
    const reply = typeof ack === 'function' ? (ack as (answer: unknown) => void) : undefined;
    const received = process.hrtime.bigint();
    this.drain.begin();
    const data = socket.data;
    // Neither promise ever rejects: every failure becomes an error ack.
    const previous = data.lastAck;
    const admitted = this.admit(socket, payload);
    admitted.catch(() => undefined); // answered in order, by startSend
    const ticket = data.sendChain.then(() => this.startSend(socket, admitted, previous));
    const acked = ticket.then((t) => t.ack);
    data.sendChain = ticket;
    data.lastAck = acked;
    void acked.then((answer) => {
      this.drain.end();
      // The latest send has settled: let go of its promises (and the message they hold) while the socket idles.
      if (data.lastAck === acked) data.lastAck = data.sendChain = SETTLED;
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
  private async admit(socket: ChatSocket, payload: unknown): Promise<SendMessageDto> {
    const input = parseSendMessage(payload);
    if (!(await this.limiter.take(socket.data.user.id)))
      throw new AppError('rate_limited', 'sending too fast; slow down');
    return input;
  }

  private async startSend(
    socket: ChatSocket,
    admitted: Promise<SendMessageDto>,
    after: Promise<unknown>,
  ): Promise<{ ack: Promise<SendAck> }> {
    const asError = (e: unknown) => errorAck('message:send', e);
    try {
      const input = await admitted;
      const { done } = await this.sender.start(
        { userId: socket.data.user.id, socketId: socket.id },
        input,
        after,
      );
      return { ack: done.then((message) => ({ ok: true as const, message }), asError) };
    } catch (e) {
      const answer = asError(e);
      return { ack: after.then(() => answer) };
    }
  }

  private async onSync(socket: ChatSocket, payload: unknown): Promise<Ack<object>> {
    return toAck('sync', async () => {
      const q = validatePayload(SyncQuery, payload ?? {});
      if (q.limit !== undefined && (typeof q.limit !== 'number' || !Number.isInteger(q.limit))) {
        throw AppError.badRequest('limit must be an integer');
      }
      return this.reader.sync(socket.data.user.id, q.after, q.limit);
    });
  }

  private async onHeartbeat(socket: ChatSocket): Promise<Ack<object>> {
    return toAck('presence:heartbeat', async () => {
      this.presence.heartbeat(socket.data.user.id, socket.id);
      return {};
    });
  }
}
