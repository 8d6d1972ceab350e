import { nodeIdFor } from '../../src/discovery/self-url';
import { RunningApp, startApp, tempDataDir } from '../support/app';
import { aDevice, aUser } from '../support/builders';
import { ConsulStandIn, StandInService, startConsulStandIn } from '../support/consul-standin';
import { spawnServer } from '../support/process';

describe('discovery e2e: without CONSUL_URL the process answers with itself', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('sends the client to this process, where its socket connects', async () => {
    const me = await aUser(app.http);
    const node = await me.http.chatNode();
    expect(node).toEqual({ nodeId: nodeIdFor(app.url), url: app.url });
    const socket = await aDevice(node.url, me);
    socket.close();
  });

  it('requires an access token like every contract call', async () => {
    await expect(app.http.chatNode()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });
});

describe('discovery e2e: with CONSUL_URL (the Consul stand-in) the chat role registers and the api role picks it', () => {
  let standIn: ConsulStandIn;
  let app: RunningApp;
  let registered: StandInService;
  beforeAll(async () => {
    standIn = await startConsulStandIn();
    const joined = standIn.next<StandInService>('register', () => true, 10_000);
    app = await startApp({ CONSUL_URL: standIn.url });
    registered = await joined;
  });
  afterAll(() => standIn.close());

  it('registers this node as service chat with its own URL and answers the lookup from Consul', async () => {
    expect(registered).toMatchObject({ Service: 'chat', ID: nodeIdFor(app.url), Meta: { url: app.url } });
    const me = await aUser(app.http);
    expect(await me.http.chatNode()).toEqual({ nodeId: registered.ID, url: app.url });
    expect(standIn.requests.some((r) => r.path.startsWith('/v1/health/service/chat?passing'))).toBe(true);
  });

  it('leaves discovery on shutdown', async () => {
    const gone = standIn.next<string>('deregister');
    await app.close();
    expect(await gone).toBe(registered.ID);
    expect(standIn.services.size).toBe(0);
  });
});

describe('discovery e2e: a chat node process (dist/main.js) against the Consul stand-in', () => {
  let standIn: ConsulStandIn;
  beforeAll(async () => {
    standIn = await startConsulStandIn();
  });
  afterAll(() => standIn.close());

  it('joins with the URL it listens on and leaves on SIGTERM', async () => {
    const joined = standIn.next<StandInService>('register', () => true, 20_000);
    const server = await spawnServer({ DATA_DIR: tempDataDir(), CONSUL_URL: standIn.url });
    try {
      expect((await joined).Meta.url).toBe(server.url);
      const left = standIn.next<string>('deregister', () => true, 10_000);
      // Nest re-raises the signal once its shutdown hooks are done.
      expect([0, 'SIGTERM']).toContain(await server.kill('SIGTERM'));
      expect(await left).toBe(nodeIdFor(server.url));
    } finally {
      server.proc.kill('SIGKILL');
    }
  });
});
