import { watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatSocket } from '@chat-server/client';
import { TEST_JWT_SECRET, tempDataDir } from '../support/app';
import { aUser } from '../support/builders';
import { ChatHttpClient } from '@chat-server/client';
import { runServerExpectingExit, spawnServer } from '../support/process';
import { until } from '../support/wait';
import { FAULTS } from '../../src/fault-injection/faults';
import { describeWith } from '../support/services';

describe('start-up by role', () => {
  it('refuses ROLES=worker without REDIS_URL, naming the variable', async () => {
    const { code, stderr } = await runServerExpectingExit({ ROLES: 'worker', DATA_DIR: tempDataDir() });
    expect(code).toBe(78);
    expect(stderr).toContain('REDIS_URL');
  });

  it('refuses a malformed variable, naming it', async () => {
    const { code, stderr } = await runServerExpectingExit({ PORT: 'eighty', DATA_DIR: tempDataDir() });
    expect(code).toBe(78);
    expect(stderr).toContain('PORT');
  });

  it('reads .env from the working directory, where the environment wins', async () => {
    const dir = tempDataDir();
    writeFileSync(join(dir, '.env'), 'PORT=eighty\n');
    const fromFile = await runServerExpectingExit({ DATA_DIR: dir }, dir);
    expect(fromFile.code).toBe(78);
    expect(fromFile.stderr).toContain('PORT');
    // PORT from the environment beats the file's; what stops it now is the worker role without REDIS_URL.
    const overridden = await runServerExpectingExit({ DATA_DIR: dir, PORT: '0', ROLES: 'worker' }, dir);
    expect(overridden.code).toBe(78);
    expect(overridden.stderr).toContain('REDIS_URL');
    expect(overridden.stderr).not.toContain('PORT');
  });

  it('runs everything in one process with no configuration, and keeps users and tokens across a restart', async () => {
    const dataDir = tempDataDir();
    const first = await spawnServer({ DATA_DIR: dataDir });
    const u = await aUser(new ChatHttpClient(first.url));
    const s = await new ChatSocket(first.url, { token: u.accessToken }).connected();
    s.close();
    await first.kill('SIGTERM');
    const second = await spawnServer({ DATA_DIR: dataDir });
    try {
      expect((await new ChatHttpClient(second.url, u.accessToken).me()).id).toBe(u.user.id);
      expect((await new ChatHttpClient(second.url).refresh(u.refreshToken)).accessToken).toEqual(
        expect.any(String),
      );
    } finally {
      await second.kill('SIGTERM');
    }
  });
});

describe('graceful shutdown of a chat node', () => {
  it('on SIGTERM tells clients to reconnect through discovery, disconnects them and exits', async () => {
    const node = await spawnServer({ DATA_DIR: tempDataDir() });
    const u = await aUser(new ChatHttpClient(node.url));
    const s = await new ChatSocket(node.url, { token: u.accessToken }).connected();
    const told = new Promise((resolve) => s.on('server:draining', resolve));
    const gone = new Promise<string>((resolve) => s.socket.once('disconnect', resolve));
    const exit = node.kill('SIGTERM');
    expect(await told).toEqual({ reason: 'shutdown', reconnect: 'discovery' });
    expect(await gone).toBe('io server disconnect');
    expect([0, 'SIGTERM']).toContain(await exit); // Nest re-raises the signal once its shutdown hooks are done
  });

  it('answers not ready from the moment it begins to drain, while it still serves its sends in flight', async () => {
    const node = await spawnServer({ DATA_DIR: tempDataDir(), CHAT_TEST_HOOKS: 'true' });
    const http = new ChatHttpClient(node.url);
    const [a, b] = await Promise.all([aUser(http), aUser(http)]);
    const s = await new ChatSocket(node.url, { token: a.accessToken }).connected();
    expect((await fetch(`${node.url}/health/ready`)).status).toBe(200);
    // A send that never completes keeps the node draining (it waits for sends in flight), long enough to look.
    void s
      .send({ clientMsgId: `${FAULTS.dropAfterWrite}drain`, to: b.user.id, content: 'in flight' }, 30_000)
      .catch(() => undefined);
    await node.waitForLine('stops after its durable write');
    const exit = node.kill('SIGTERM');
    const ready = await until(
      () => fetch(`${node.url}/health/ready`),
      (r) => r.status !== 200,
      5_000,
      'not ready',
    );
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    expect((await fetch(`${node.url}/health/live`)).status).toBe(200);
    s.close();
    expect([0, 'SIGTERM']).toContain(await exit);
  }, 40_000);
});

describe('request logs', () => {
  it('carry the request id the client gave, echoed back, and start-up prints no warning', async () => {
    const node = await spawnServer({ DATA_DIR: tempDataDir(), LOG_LEVEL: 'info' });
    try {
      const res = await fetch(`${node.url}/api/discovery/chat-node`, {
        headers: { 'x-request-id': 'trace-42' },
      });
      expect(res.headers.get('x-request-id')).toBe('trace-42');
      expect(JSON.parse(await node.waitForLine('"trace-42"'))).toMatchObject({
        req: { id: 'trace-42', method: 'GET', url: '/api/discovery/chat-node' },
      });
      const warnings = node
        .output()
        .split('\n')
        .filter(
          (l) =>
            l.startsWith('{') && (JSON.parse(l) as { level: number }).level >= 40 && !l.includes('trace-42'),
        );
      expect(warnings).toEqual([]);
    } finally {
      await node.kill('SIGTERM');
    }
  });
});

describe('logs for a person', () => {
  it('are human lines with LOG_FORMAT=pretty, say where the web chat and docs are, and keep Nest start-up chatter out of info', async () => {
    const node = await spawnServer({ DATA_DIR: tempDataDir(), LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' });
    try {
      await fetch(`${node.url}/api/discovery/chat-node`, { headers: { 'x-request-id': 'pretty-1' } });
      const port = new URL(node.url).port;
      expect(node.output()).toContain(
        `chat server listening on http://localhost:${port} (roles api,chat,presence,worker; ` +
          `web chat http://localhost:${port}/, docs http://localhost:${port}/api/docs, metrics http://localhost:${port}/metrics)`,
      );
      const line = await node.waitForLine('/api/discovery/chat-node');
      expect(line.startsWith('{')).toBe(false);
      expect(line).toMatch(/WARN: request completed GET \/api\/discovery\/chat-node 401 \d+ ms/);
      const topology = await node.waitForLine('[Topology]');
      expect(topology).toContain('relational=sqlite');
      expect(node.output()).not.toContain('Mapped {');
      expect(node.output()).not.toContain('dependencies initialized');
    } finally {
      await node.kill('SIGTERM');
    }
  });
});

describe('the start line for log collectors', () => {
  it('is one JSON line that names the server, the web chat, the API docs and metrics', async () => {
    const node = await spawnServer({ DATA_DIR: tempDataDir() });
    try {
      const line = node
        .output()
        .split('\n')
        .find((l) => l.includes('"chat server listening"'))!;
      const port = new URL(node.url).port;
      expect(JSON.parse(line)).toMatchObject({
        url: `http://127.0.0.1:${port}`,
        roles: ['api', 'chat', 'presence', 'worker'],
        web: `http://localhost:${port}/`,
        docs: `http://localhost:${port}/api/docs`,
        metrics: `http://localhost:${port}/metrics`,
      });
    } finally {
      await node.kill('SIGTERM');
    }
  });
});

describe('signals other than SIGTERM and SIGINT', () => {
  it("leave the node serving, so Node's --heapsnapshot-signal can be used on a live node", async () => {
    const dir = tempDataDir();
    const node = await spawnServer({ DATA_DIR: dir }, 20_000, [
      '--heapsnapshot-signal=SIGUSR2',
      `--diagnostic-dir=${dir}`,
    ]);
    try {
      const u = await aUser(new ChatHttpClient(node.url));
      const s = await new ChatSocket(node.url, { token: u.accessToken }).connected();
      const events: string[] = [];
      s.on('server:draining', () => events.push('draining'));
      s.socket.on('disconnect', () => events.push('disconnect'));
      const written = new Promise<string>((resolve) => {
        const w = watch(dir, (_event, file) => {
          if (!file?.endsWith('.heapsnapshot')) return;
          w.close();
          resolve(file);
        });
      });
      node.proc.kill('SIGUSR2');
      await written;
      // The snapshot handler and any shutdown hook run on the same signal, before this round trip returns.
      expect((await s.heartbeat()).ok).toBe(true);
      expect(events).toEqual([]);
      s.close();
    } finally {
      await node.kill('SIGTERM');
    }
  }, 60_000);
});

describeWith(['postgres', 'redis'], 'the api role on Postgres and Redis', ({ postgres, redis }) => {
  it('starts, serves the REST API, and opens no WebSocket gateway', async () => {
    const api = await spawnServer({
      ROLES: 'api',
      DATABASE_URL: postgres,
      REDIS_URL: redis,
      JWT_SECRET: TEST_JWT_SECRET,
    });
    try {
      const u = await aUser(new ChatHttpClient(api.url));
      expect(u.user.id).toEqual(expect.any(String));
      expect((await fetch(`${api.url}/health/ready`)).status).toBe(200);
      const sio = await fetch(`${api.url}/socket.io/?EIO=4&transport=polling`);
      expect(sio.status).toBe(404);
      await expect(new ChatSocket(api.url, { token: u.accessToken }).connected()).rejects.toThrow();
    } finally {
      await api.kill('SIGTERM');
    }
  });

  it('runs a chat-only node with health and metrics but no REST API', async () => {
    const chat = await spawnServer({
      ROLES: 'chat',
      DATABASE_URL: postgres,
      REDIS_URL: redis,
      JWT_SECRET: TEST_JWT_SECRET,
    });
    try {
      expect((await fetch(`${chat.url}/health/live`)).status).toBe(200);
      expect((await fetch(`${chat.url}/metrics`)).status).toBe(200);
      expect((await fetch(`${chat.url}/api/auth/register`, { method: 'POST' })).status).toBe(404);
    } finally {
      await chat.kill('SIGTERM');
    }
  });
});
