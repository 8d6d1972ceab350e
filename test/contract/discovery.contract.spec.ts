import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppError } from '../../src/common/app-error';
import { AllExceptionsFilter } from '../../src/common/all-exceptions.filter';
import { loadConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { ChatNodeRegistration } from '../../src/discovery/chat-node-registry';
import { ChatNodeSelector } from '../../src/discovery/chat-node-selector.service';
import { ConsulChatNodeRegistry } from '../../src/discovery/consul-chat-node.registry';
import { consulClient, ConsulError } from '../../src/discovery/consul-client';
import { DiscoveryHttpModule } from '../../src/discovery/discovery-http.module';
import { DiscoveryRegistrationModule } from '../../src/discovery/discovery-registration.module';
import { DiscoveryModule } from '../../src/discovery/discovery.module';
import { discoveryOptions, DiscoveryOptions } from '../../src/discovery/discovery.options';
import { MetricsModule } from '../../src/metrics/metrics.module';
import { MetricsService } from '../../src/metrics/metrics.service';
import { tempDataDir } from '../support/app';
import { ConsulStandIn, StandInCheck, StandInService, startConsulStandIn } from '../support/consul-standin';

/**
 * The Consul discovery adapter against a Consul STAND-IN (test/support/consul-standin.ts): Consul's server
 * cannot be installed here, so these suites check the adapter against Consul's documented agent and health
 * API, TTL expiry included. Short TTLs (1 s) keep the expiry tests quick; waits are on stand-in events.
 */

const TTL_SECONDS = 1;

function registryFor(standIn: ConsulStandIn, client: { token?: string; timeoutMs?: number } = {}) {
  const timeoutMs = client.timeoutMs ?? 1000;
  const consul = consulClient({ url: standIn.url, token: client.token, timeoutMs });
  return new ConsulChatNodeRegistry(consul, {
    requestTimeoutMs: timeoutMs,
    serviceName: 'chat',
    ttlSeconds: TTL_SECONDS,
    deregisterCriticalAfter: '1m',
    capacity: 50_000,
  });
}

function selectorFor(registry: ConsulChatNodeRegistry, overrides: Partial<DiscoveryOptions> = {}) {
  return new ChatNodeSelector(
    registry,
    discoveryOptions({ ttlSeconds: TTL_SECONDS, cacheMs: 0, ...overrides }),
  );
}

let nodes = 0;
function aNode(overrides: Partial<ChatNodeRegistration> = {}): ChatNodeRegistration {
  const n = ++nodes;
  return { id: `chat-test-${n}`, url: `http://127.0.0.1:${41000 + n}`, capacity: 100, ...overrides };
}

/** A registered node passing its check every `everyMs` until stopped, as a chat node does. */
async function aLiveNode(standIn: ConsulStandIn, node: ChatNodeRegistration, connections = 0) {
  const registry = registryFor(standIn);
  await registry.register(node);
  await registry.pass({ connections });
  const state = { connections };
  const timer = setInterval(
    () => void registry.pass({ connections: state.connections }).catch(() => {}),
    250,
  );
  return { node, registry, state, stopPassing: () => clearInterval(timer) };
}

const isCritical = (id: string) => (c: StandInCheck) => c.ServiceID === id && c.Status === 'critical';

describe('chat-node discovery contract: Consul adapter against the Consul stand-in', () => {
  let standIn: ConsulStandIn;
  const stops: (() => void)[] = [];
  beforeEach(async () => {
    standIn = await startConsulStandIn();
  });
  afterEach(async () => {
    stops.splice(0).forEach((stop) => stop());
    await standIn.close();
  });

  it('registers service chat with its URL, capacity, connection count and a passing TTL check', async () => {
    const registry = registryFor(standIn);
    const node = aNode({ url: 'http://127.0.0.1:41999' });
    await registry.register(node);
    await registry.pass({ connections: 3 });

    const svc = standIn.services.get(node.id);
    expect(svc).toMatchObject({
      Service: 'chat',
      Address: '127.0.0.1',
      Port: 41999,
      Meta: { url: node.url, connections: '3', capacity: '100' },
    });
    expect(standIn.checks.get(`service:${node.id}`)).toMatchObject({
      Status: 'passing',
      ttlMs: 1000,
      deregisterAfterMs: 60_000,
      Output: 'connections=3 capacity=100',
    });
    expect(standIn.requests).toContainEqual(
      expect.objectContaining({
        method: 'PUT',
        path: `/v1/agent/check/pass/${encodeURIComponent(`service:${node.id}`)}?note=${encodeURIComponent('connections=3 capacity=100')}`,
      }),
    );
    expect(await registry.healthyNodes()).toEqual([{ ...node, connections: 3 }]);
  });

  it('stays healthy past its TTL while it passes, re-registering only when its count changed', async () => {
    const node = aNode();
    const live = await aLiveNode(standIn, node, 5);
    stops.push(live.stopPassing);
    const expired = standIn.next('status', isCritical(node.id), 2500);
    await expect(expired).rejects.toThrow(/no matching 'status'/); // 2.5 TTLs without going critical
    const registrations = () =>
      standIn.requests.filter((r) => r.path === '/v1/agent/service/register').length;
    expect(registrations()).toBe(2); // register (count 0), then the first pass with 5; not on every pass

    live.state.connections = 9;
    await standIn.next<StandInService>('register', (s) => s.Meta.connections === '9', 2000);
    expect(await live.registry.healthyNodes()).toEqual([{ ...node, connections: 9 }]);
    expect(registrations()).toBe(3);
  });

  it('drops a node that stops passing from the pick once its TTL expires', async () => {
    const busy = await aLiveNode(standIn, aNode(), 60);
    const idle = await aLiveNode(standIn, aNode(), 1);
    stops.push(busy.stopPassing, idle.stopPassing);
    const selector = selectorFor(busy.registry);
    expect((await selector.pick()).id).toBe(idle.node.id);

    idle.stopPassing();
    await standIn.next('status', isCritical(idle.node.id), 3000);
    expect((await busy.registry.healthyNodes()).map((n) => n.id)).toEqual([busy.node.id]);
    expect((await selector.pick()).id).toBe(busy.node.id);
  });

  it('picks the least-loaded node by connections over capacity, breaking ties at random', async () => {
    const half = await aLiveNode(standIn, aNode({ capacity: 100 }), 50);
    const tenthA = await aLiveNode(standIn, aNode({ capacity: 1000 }), 100);
    const tenthB = await aLiveNode(standIn, aNode({ capacity: 10 }), 1);
    const full = await aLiveNode(standIn, aNode({ capacity: 100 }), 100);
    stops.push(half.stopPassing, tenthA.stopPassing, tenthB.stopPassing, full.stopPassing);
    const tied = [tenthA.node.id, tenthB.node.id];

    const picked = new Set<string>();
    for (const r of [0, 0.99]) picked.add((await selectorFor(half.registry, { random: () => r }).pick()).id);
    expect([...picked].sort()).toEqual(tied.sort());
  });

  it('leaves discovery when the chat node shuts down', async () => {
    const app = await startDiscoveryApp(standIn, { register: true });
    const svc = await app.registered;
    expect(svc.Meta.url).toBe(app.url);
    expect(await registryFor(standIn).healthyNodes()).toEqual([
      { id: svc.ID, url: app.url, connections: 0, capacity: 50_000 },
    ]);

    const gone = standIn.next<string>('deregister');
    await app.close();
    expect(await gone).toBe(svc.ID);
    expect(await registryFor(standIn).healthyNodes()).toEqual([]);
  });

  it('passes with the live connection count and answers the lookup with the registered node', async () => {
    const app = await startDiscoveryApp(standIn, { register: true });
    try {
      const svc = await app.registered;
      app.app.get(MetricsService).connections.set(7);
      await Promise.all([
        standIn.next<StandInService>('register', (s) => s.Meta.connections === '7', 2000),
        standIn.next<StandInCheck>('status', (c) => c.Output === 'connections=7 capacity=50000', 2000),
      ]);
      const res = await fetch(`${app.url}/api/discovery/chat-node`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ nodeId: svc.ID, url: app.url });
    } finally {
      await app.close();
    }
  });

  it('keeps the node registered through an agent outage at start-up and an agent that forgot it', async () => {
    standIn.down = true;
    const app = await startDiscoveryApp(standIn, { register: true });
    try {
      await new Promise((r) => setTimeout(r, 300)); // a few failed beats; the app keeps running
      standIn.down = false;
      const svc = await app.registered;
      standIn.forget(svc.ID); // like an agent restarted without its state
      const again = await standIn.next<StandInService>('register', (s) => s.ID === svc.ID, 2000);
      expect(again.Meta.url).toBe(app.url);
      expect((await registryFor(standIn).healthyNodes()).map((n) => n.id)).toEqual([svc.ID]);
    } finally {
      await app.close();
    }
  });

  it('answers 503 unavailable in the contract error shape when no node is healthy', async () => {
    await expect(selectorFor(registryFor(standIn)).pick()).rejects.toMatchObject({
      code: 'unavailable',
      status: 503,
    });
    const app = await startDiscoveryApp(standIn, { register: false });
    try {
      const res = await fetch(`${app.url}/api/discovery/chat-node`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
    } finally {
      await app.close();
    }
  });

  it('answers 503 when Consul is unreachable or hangs, within the call timeout', async () => {
    const hung = await startConsulStandIn({ delayMs: 3000 });
    const closed = await startConsulStandIn();
    await closed.close();
    try {
      for (const target of [hung, closed]) {
        const t0 = Date.now();
        const pick = selectorFor(registryFor(target, { timeoutMs: 300 })).pick();
        await expect(pick).rejects.toBeInstanceOf(AppError);
        await expect(pick).rejects.toMatchObject({ code: 'unavailable' });
        expect(Date.now() - t0).toBeLessThan(1500);
      }
      await expect(registryFor(hung, { timeoutMs: 300 }).register(aNode())).rejects.toThrow(/within 300 ms/);
    } finally {
      await hung.close();
    }
  });
});

describe('chat-node discovery contract: Consul ACL token', () => {
  const TOKEN = 'b1a2c3d4-acl-token-for-tests';
  let standIn: ConsulStandIn;
  beforeEach(async () => {
    standIn = await startConsulStandIn({ aclToken: TOKEN });
  });
  afterEach(() => standIn.close());

  it('sends the token as X-Consul-Token on every call', async () => {
    const registry = registryFor(standIn, { token: TOKEN });
    const node = aNode();
    await registry.register(node);
    await registry.pass({ connections: 2 });
    expect(await registry.healthyNodes()).toEqual([{ ...node, connections: 2 }]);
    await registry.deregister();
    expect(standIn.requests.length).toBeGreaterThanOrEqual(5);
    expect(standIn.requests.every((r) => r.token === TOKEN)).toBe(true);
  });

  it('is refused without the token or with a wrong one, and the lookup then answers 503', async () => {
    const anonymous = registryFor(standIn);
    await expect(anonymous.register(aNode())).rejects.toMatchObject({ status: 403 });
    // Consul filters an anonymous read instead of refusing it: no nodes, so no pick.
    expect(await anonymous.healthyNodes()).toEqual([]);
    await expect(selectorFor(anonymous).pick()).rejects.toMatchObject({ code: 'unavailable' });

    const wrong = registryFor(standIn, { token: 'not-the-token' });
    await expect(wrong.register(aNode())).rejects.toEqual(expect.any(ConsulError));
    await expect(wrong.healthyNodes()).rejects.toMatchObject({ status: 403, message: /ACL not found/ });
    await expect(selectorFor(wrong).pick()).rejects.toMatchObject({ code: 'unavailable' });
  });
});

@Module({})
class DiscoveryTestModule {}

/**
 * The discovery modules in a small Nest app on a random port, with CONSUL_URL pointing at the stand-in:
 * the lookup controller always, the chat role's registration when asked.
 */
async function startDiscoveryApp(standIn: ConsulStandIn, { register }: { register: boolean }) {
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: tempDataDir(),
    CONSUL_URL: standIn.url,
    LOG_LEVEL: 'silent',
  });
  const registered = register
    ? standIn.next<StandInService>('register', () => true, 5000)
    : Promise.reject(new Error('this app does not register'));
  registered.catch(() => undefined); // awaited only by the tests that register
  const app: INestApplication = await NestFactory.create(
    {
      module: DiscoveryTestModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule,
        DiscoveryModule.forRoot(config, { ttlSeconds: TTL_SECONDS, passIntervalMs: 100, cacheMs: 0 }),
        DiscoveryHttpModule,
        ...(register ? [DiscoveryRegistrationModule] : []),
      ],
    },
    { logger: false, abortOnError: false },
  );
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new AllExceptionsFilter());
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, registered, close: () => app.close() };
}
