import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { MAX_CONTENT_CHARS } from '../messaging/message';
import { SOCKET_IO_REDIS_KEY } from '../realtime/remote-sockets.emitter';
import type { ChatServer } from '../realtime/socket-server.emitter';
import { RedisService } from '../redis/redis.service';
import { PubSubLinkWatch } from './pubsub-link-watch';

/**
 * The largest legal frame: 100,000 characters, each at worst 6 bytes once JSON-escaped (`\u001f`), plus the
 * envelope. Anything larger is cut off by engine.io (the client is disconnected), as DESIGN.md section 7 says.
 */
export const MAX_FRAME_BYTES = MAX_CONTENT_CHARS * 6 + 16 * 1024;

/** Socket.IO server options for a chat node: origin allowlist, frame limit, Redis adapter when distributed. */
export class ChatIoAdapter extends IoAdapter {
  private readonly log = new Logger(ChatIoAdapter.name);

  constructor(
    private readonly app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      path: '/socket.io',
      serveClient: false,
      maxHttpBufferSize: MAX_FRAME_BYTES,
      pingInterval: 25_000,
      pingTimeout: 20_000,
      cors: this.config.corsOrigins.length
        ? { origin: [...this.config.corsOrigins], credentials: false }
        : undefined,
      allowRequest: (req, cb) => cb(null, this.originAllowed(req)),
    } as ServerOptions) as Server;
    server.engine.on('connection', (socket: EngineSocket) => {
      // The handshake's HTTP request is not needed once Origin was checked (allowRequest): do not keep it
      // for the life of the connection (Socket.IO's own memory advice; handshake.headers is then empty).
      // engine.io's upgrade response still holds a WebSocket's request until the TCP socket closes, so
      // empty its headers too (the upgrade is complete; polling requests are left alone).
      const req = socket.request as { headers: object; rawHeaders: string[] } | null;
      if (req && socket.transport.name === 'websocket') {
        req.headers = {};
        req.rawHeaders = [];
      }
      socket.request = null;
      coalesceWrites(socket);
    });
    if (this.config.topology.sharedState === 'redis') {
      const redis = this.app.get(RedisService, { strict: false });
      const [pub, sub] = [redis.duplicate(), redis.duplicate()];
      server.adapter(createAdapter(pub, sub, { key: SOCKET_IO_REDIS_KEY }));
      // Events published while a link was down never reach this node's sockets: they catch up by sync.
      // Live events may have been lost: the clients sync from their cursors (DESIGN.md section 6).
      const typed = server as ChatServer;
      new PubSubLinkWatch({ pub, sub }, () => typed.local.emit('sync:required', {}));
      this.log.log('Socket.IO uses the Redis adapter');
    }
    return server;
  }

  /**
   * The chat gateway registers its events as plain listeners (ChatGateway.listen), so Nest has no handlers to
   * bind; without this it would still keep a per-socket rxjs `disconnect$` (about 1 KB per idle connection).
   */
  override bindMessageHandlers(...args: Parameters<IoAdapter['bindMessageHandlers']>): void {
    const [, handlers] = args;
    if (handlers.length) super.bindMessageHandlers(...args);
  }

  /**
   * `cors` alone does not refuse a WebSocket from a foreign page, so the handshake checks Origin itself:
   * no Origin (native and server clients) is fine; a browser's must be listed, or be this server itself.
   */
  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return true;
    if (this.config.corsOrigins.includes(origin)) return true;
    if (this.config.publicUrl && new URL(this.config.publicUrl).origin === origin) return true;
    const host = req.headers.host;
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
  }
}

interface EngineTransport {
  name: string;
  send(packets: unknown[]): void;
  socket?: { _socket?: { cork(): void; uncork(): void } };
}
interface EngineSocket {
  request: unknown;
  transport: EngineTransport;
  on(event: 'upgrade', fn: () => void): void;
}

const coalesced = new WeakSet<EngineTransport>();

/**
 * engine.io hands a WebSocket transport every packet that queued while its previous write was in flight
 * (under load, 6–7 at a time: acks and deliveries), and ws writes each as its own `writev`. Corking the TCP
 * socket around that loop sends them in one. Measured: +19% messages/s at saturation (docs/benchmarks.md).
 * It reaches ws's `_socket` (the net.Socket); if a version lacks it, nothing is patched.
 */
function coalesceWrites(engineSocket: EngineSocket): void {
  const patch = () => {
    const t = engineSocket.transport;
    const raw = t.socket?._socket;
    if (t.name !== 'websocket' || !raw || coalesced.has(t)) return;
    coalesced.add(t);
    const send = t.send.bind(t);
    t.send = (packets) => {
      if (packets.length < 2) return send(packets);
      raw.cork();
      try {
        send(packets);
      } finally {
        raw.uncork();
      }
    };
  };
  patch();
  engineSocket.on('upgrade', patch);
}
