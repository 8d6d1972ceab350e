/**
 * The `baseline` target: a bare Socket.IO relay with no auth and no persistence, speaking just enough of the
 * client contract for the bench (handshake `auth.token` is taken as the user id; `message:send` goes to room
 * `user:<to>` and the sender's other devices, then is acked). It runs as its own process, like the server, so
 * the same CPU and memory figures are taken from it and every server figure can be quoted as a ratio.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

interface SendPayload {
  clientMsgId?: unknown;
  to?: unknown;
  channelId?: unknown;
  content?: unknown;
}
type Ack = (answer: unknown) => void;

const http = createServer();
const io = new Server(http, {
  path: '/socket.io',
  serveClient: false,
  transports: ['websocket', 'polling'],
  pingInterval: 25_000,
  pingTimeout: 20_000,
});
let nextId = 1n;

io.on('connection', (socket) => {
  const auth = (socket.handshake.auth ?? {}) as { token?: unknown };
  const userId = typeof auth.token === 'string' ? auth.token : socket.id;
  void socket.join(`user:${userId}`);

  socket.on('message:send', (payload: SendPayload, ack?: Ack) => {
    const to = typeof payload?.to === 'string' ? payload.to : undefined;
    const channelId = typeof payload?.channelId === 'string' ? payload.channelId : undefined;
    const message = {
      id: String(nextId++),
      channelId: channelId ?? (to! < userId ? `dm:${to}:${userId}` : `dm:${userId}:${to}`),
      channelType: channelId ? 'group' : 'dm',
      senderId: userId,
      content: payload?.content,
      clientMsgId: payload?.clientMsgId,
      createdAt: new Date().toISOString(),
    };
    // Groups are not modelled: the relay has no membership. `channelId` is relayed to room `channel:<id>`.
    const rooms = to ? [`user:${to}`, `user:${userId}`] : [`channel:${channelId}`];
    socket.to(rooms).emit('message:new', message);
    ack?.({ ok: true, message });
  });
  socket.on('sync', (_q: unknown, ack?: Ack) =>
    ack?.({ ok: true, messages: [], cursor: '0', hasMore: false }),
  );
  socket.on('presence:heartbeat', (_p: unknown, ack?: Ack) => ack?.({ ok: true }));
});

http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  console.log(
    JSON.stringify({ msg: 'chat server listening', url: `http://127.0.0.1:${port}`, pid: process.pid }),
  );
});

const shutdown = () => {
  void io.close();
  http.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
