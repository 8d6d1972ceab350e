#!/usr/bin/env node
// `npm run seed`: demo users alice, bob and carol, a friendship, a group and some history, through the
// typed client against a running server (SEED_URL, default http://localhost:3000). With no server there, it
// starts the built one on its own for the time of the seed (data in DATA_DIR, default ./data, as `npm start`).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ChatApiError, ChatHttpClient } from '@chat-server/client';

const url = (process.env.SEED_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const USERS = [
  { username: 'alice', displayName: 'Alice', password: 'alice-password' },
  { username: 'bob', displayName: 'Bob', password: 'bob-password' },
  { username: 'carol', displayName: 'Carol', password: 'carol-password' },
];

async function reachable() {
  try {
    return (await fetch(`${url}/health/live`)).ok;
  } catch {
    return false;
  }
}

function startServer() {
  const port = new URL(url).port || '3000';
  const proc = spawn(process.execPath, ['dist/main.js'], {
    env: { ...process.env, PORT: port, LOG_FORMAT: 'json', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`the server exited (${code}); run npm run build first?`)));
    createInterface({ input: proc.stdout }).on('line', (l) => l.includes('chat server listening') && resolve(proc));
  });
}

async function signIn(http, u) {
  try {
    return await http.register(u);
  } catch (e) {
    if (!(e instanceof ChatApiError) || e.code !== 'conflict') throw e;
    return http.login({ username: u.username, password: u.password });
  }
}

const server = (await reachable()) ? undefined : await startServer();
try {
  const anon = new ChatHttpClient(url);
  const sessions = [];
  for (const u of USERS) sessions.push(await signIn(anon, u));
  const [a, b, c] = sessions.map((s) => new ChatHttpClient(url, s.accessToken));
  const [ida, idb, idc] = sessions.map((s) => s.user.id);

  // Alice and Bob are friends (presence is shared between friends); Carol has asked Alice.
  if (!(await a.friends()).some((f) => f.user.id === idb)) {
    const req = await a.requestFriend(idb).catch(() => undefined);
    const incoming = (await b.friendRequests()).incoming.find((r) => r.fromUserId === ida) ?? req;
    if (incoming) await b.acceptFriend(incoming.id).catch(() => undefined);
  }
  await c.requestFriend(ida).catch(() => undefined);

  const groups = await a.groups();
  const group = groups.find((g) => g.name === 'Weekend trip') ?? (await a.createGroup({ name: 'Weekend trip', memberIds: [idb, idc] }));
  const history = await a.history(group.id, { limit: 1 });
  if (history.messages.length === 0) {
    const { ChatSocket } = await import('@chat-server/client');
    const sockets = await Promise.all(
      sessions.map((s) => new ChatSocket(url, { token: s.accessToken, deviceId: 'seed' }).connected()),
    );
    const [sa, sb, sc] = sockets;
    const say = async (s, to, content) => {
      const ack = await s.send({ clientMsgId: `seed-${content.length}-${Math.random()}`, ...to, content });
      if (!ack.ok) throw new Error(ack.error.message);
      return ack.message;
    };
    await say(sa, { to: idb }, 'Hi Bob! Did you get the tickets?');
    const m = await say(sb, { to: ida }, 'Yes, two for Saturday 🎉');
    await sa.react({ channelId: m.channelId, messageId: m.id, emoji: '🎉' });
    await say(sa, { channelId: group.id }, 'Welcome to the weekend trip group!');
    await say(sc, { channelId: group.id }, 'I can drive. Leaving at 9?');
    await say(sb, { channelId: group.id }, '9 works for me');
    sockets.forEach((s) => s.close());
  }

  console.log(`Seeded ${url}: users alice, bob and carol; Alice and Bob are friends; the group "Weekend trip".`);
  console.log(`Open ${url}/ and sign in as one of them:`);
  for (const u of USERS) console.log(`  username ${u.username.padEnd(6)} password ${u.password}`);
} finally {
  if (server) {
    server.kill('SIGTERM');
    console.log('(the server was started for the seed and is stopped again: `npm start` to use it)');
  }
}
