import type { ChatMessage, ChatSocket } from '@chat-server/client';
import { ChatApiError } from '@chat-server/client';
import { DevicesRepository } from '../../src/devices/devices.repository';
import { PushDispatcher } from '../../src/notification/push-dispatcher';
import { PresenceStore } from '../../src/presence/presence.store';
import { JobQueue } from '../../src/queue/job-queue';
import { e2eStacks, RunningApp, startApp } from '../support/app';
import { aDevice, aUser, TestUser, uniqueName } from '../support/builders';
import { ApnsStandin } from '../support/push/apns-standin';
import { FcmStandin } from '../support/push/fcm-standin';
import { atLeast } from '../support/wait';
import { LocalWebPushService } from '../support/push/web-push-service';
import { generateVAPIDKeys } from 'web-push';

const WINDOW_MS = 800;
const dm = (a: string, b: string) => (a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(e2eStacks('push e2e', { cassandra: false }))('push notifications ($name)', ({ name, env }) => {
  let app: RunningApp;
  let web: LocalWebPushService;
  let fcm: FcmStandin;
  let apns: ApnsStandin;
  let vapidPublicKey: string | undefined;
  let a: TestUser;
  let b: TestUser;
  let sender: ChatSocket;
  const sockets: ChatSocket[] = [];

  beforeAll(async () => {
    [web, fcm, apns] = await Promise.all([
      LocalWebPushService.start(() => vapidPublicKey),
      FcmStandin.start(),
      ApnsStandin.start(),
    ]);
    // Distributed deployments must be given VAPID keys; the embedded server generates them into DATA_DIR.
    const vapid = name === 'embedded' ? undefined : generateVAPIDKeys();
    app = await startApp({
      ...env,
      JOB_BACKOFF_MS: '300', // a retried push arrives within a second
      PUSH_COLLAPSE_WINDOW_MS: String(WINDOW_MS),
      PUSH_ALLOW_LOOPBACK_HTTP: 'true', // the stand-ins speak plain http on 127.0.0.1
      ...(vapid
        ? {
            VAPID_PUBLIC_KEY: vapid.publicKey,
            VAPID_PRIVATE_KEY: vapid.privateKey,
            VAPID_SUBJECT: 'mailto:ops@example.com',
          }
        : {}),
      FCM_SERVICE_ACCOUNT_FILE: fcm.serviceAccountFile,
      FCM_URL: fcm.url,
      APNS_KEY_FILE: apns.keyFile,
      APNS_KEY_ID: apns.keyId,
      APNS_TEAM_ID: apns.teamId,
      APNS_TOPIC: apns.topic,
      APNS_URL: apns.url,
    });
    vapidPublicKey = (await app.http.call<{ publicKey: string }>('GET', '/api/devices/vapid-public-key'))
      .publicKey;
  });
  beforeEach(async () => {
    [a, b] = await Promise.all([aUser(app.http), aUser(app.http)]);
    sender = await aDevice(app.url, a);
    sockets.push(sender);
  });
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.close());
    // Every request that reached a stand-in was well formed, and no push job of this test failed.
    expect([...web.problems, ...fcm.problems, ...apns.problems]).toEqual([]);
    const failed = await app.app.get(JobQueue).failed('push', 100);
    expect(failed.filter((j) => j.payload.userId === b.user.id)).toEqual([]);
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([web?.close(), fcm?.close(), apns?.close()]);
  });

  const devices = () => app.app.get(DevicesRepository);
  const register = (u: TestUser, body: Record<string, unknown>) =>
    u.http.call<{ deviceId: string; platform: string }>('POST', '/api/devices', body);
  const registerWeb = async (u: TestUser, deviceId = uniqueName('web')) => {
    const sub = web.subscribe();
    const { endpoint, keys } = sub;
    await register(u, { deviceId, platform: 'web', subscription: { endpoint, expirationTime: null, keys } });
    return { sub, deviceId };
  };
  const send = async (content: string): Promise<ChatMessage> => {
    const ack = await sender.send({ clientMsgId: uniqueName('c'), to: b.user.id, content });
    if (!ack.ok) throw new Error(`send failed: ${JSON.stringify(ack)}`);
    return ack.message;
  };
  /**
   * What the send path does for an offline recipient. Called directly so these tests do not depend on the
   * send path's wiring (one test below checks that wiring); when both run, the window collapses them.
   */
  const notifyB = (...messages: ChatMessage[]) =>
    Promise.all(messages.map((m) => app.app.get(PushDispatcher).notifyOffline([b.user.id], m)));
  /** Waits until no push job is waiting, delayed or running: everything enqueued so far has run. */
  const pushQueueSettled = async () => {
    const queue = app.app.get(JobQueue);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const c = await queue.counts('push');
      if (c.waiting + c.delayed + c.active === 0) return;
      if (Date.now() > deadline) throw new Error(`push queue did not settle: ${JSON.stringify(c)}`);
      await sleep(50);
    }
  };
  const expectStatus = async (p: Promise<unknown>, status: number) => {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ChatApiError);
    expect((e as ChatApiError).status).toBe(status);
  };

  it('registers a device, replaces it on re-registration and deletes it', async () => {
    const { deviceId } = await registerWeb(b);
    expect((await devices().find(b.user.id, deviceId))?.platform).toBe('web');
    const token = FcmStandin.aToken();
    const again = await register(b, { deviceId, platform: 'fcm', token });
    expect(again).toMatchObject({ deviceId, platform: 'fcm' });
    const rows = await devices().listForUser(b.user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ deviceId, platform: 'fcm', token, subscription: null });
    await expectStatus(a.http.call('DELETE', `/api/devices/${deviceId}`), 404); // not a's device
    await b.http.call('DELETE', `/api/devices/${deviceId}`);
    expect(await devices().find(b.user.id, deviceId)).toBeNull();
    await expectStatus(b.http.call('DELETE', `/api/devices/${deviceId}`), 404);
  });

  it('moves a push address to the account that registered it last', async () => {
    const token = ApnsStandin.aToken();
    await register(a, { deviceId: 'phone', platform: 'apns', token });
    await register(b, { deviceId: 'phone', platform: 'apns', token });
    expect(await devices().find(a.user.id, 'phone')).toBeNull();
    expect(await devices().find(b.user.id, 'phone')).not.toBeNull();
  });

  it('validates registrations', async () => {
    const { endpoint, keys } = web.subscribe();
    const sub = { endpoint, keys };
    const webWith = (subscription: unknown) => register(b, { deviceId: 'w', platform: 'web', subscription });
    const bad = await Promise.allSettled([
      register(b, { deviceId: 'w', platform: 'web' }),
      register(b, { deviceId: 'w', platform: 'web', token: 'x', subscription: sub }),
      webWith({ endpoint: 'http://push.example.com/x', keys: sub.keys }),
      webWith({ endpoint: 'https://10.0.0.8/x', keys: sub.keys }),
      webWith({ endpoint: 'not a url', keys: sub.keys }),
      webWith({ endpoint: sub.endpoint, keys: { ...sub.keys, p256dh: 'A'.repeat(87) } }),
      webWith({ endpoint: sub.endpoint, keys: { p256dh: sub.keys.p256dh } }),
      webWith({ endpoint: sub.endpoint, keys: sub.keys, extra: 1 }),
      register(b, { deviceId: 'f', platform: 'fcm' }),
      register(b, { deviceId: 'f', platform: 'fcm', token: 'has spaces' }),
      register(b, { deviceId: 'i', platform: 'apns', token: 'not-hex' }),
      register(b, { deviceId: 'i', platform: 'apns', token: ApnsStandin.aToken(), subscription: sub }),
      register(b, { deviceId: 'x', platform: 'sms', token: 't' }),
      register(b, { deviceId: 'bad id!', platform: 'fcm', token: FcmStandin.aToken() }),
    ]);
    expect(
      bad.map((r) => (r.status === 'rejected' ? (r.reason as ChatApiError).status : 'accepted')),
    ).toEqual(bad.map(() => 400));
    expect(await devices().listForUser(b.user.id)).toEqual([]);
    await expectStatus(
      app.http.call('POST', '/api/devices', { deviceId: 'd', platform: 'fcm', token: 't' }),
      401,
    );
  });

  it('serves the VAPID public key without a token', async () => {
    expect(vapidPublicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
  });

  it('B offline, A sends 5 messages in a burst: one notification that decrypts to the expected payload', async () => {
    const { sub } = await registerWeb(b);
    const burst: ChatMessage[] = [];
    for (let i = 1; i <= 5; i++) burst.push(await send(`burst ${i}`));
    await notifyB(...burst);
    const [delivery] = await atLeast(() => web.deliveriesTo(sub.id), 1);
    await pushQueueSettled();
    expect(web.deliveriesTo(sub.id)).toHaveLength(1);
    const last = burst[4];
    expect(delivery.payload).toEqual({
      type: 'message',
      channelId: dm(a.user.id, b.user.id),
      channelType: 'dm',
      messageId: last.id,
      senderId: a.user.id,
      senderName: a.user.displayName,
      count: 5,
      badge: 5, // b's unread messages over every conversation
      preview: 'burst 5',
      title: a.user.displayName,
      body: '5 new messages: burst 5',
    });
    expect(delivery.vapid.publicKey).toBe(vapidPublicKey);
    expect(delivery.headers).toMatchObject({ ttl: '86400', urgency: 'high' });
    expect(delivery.headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('B online: no notification', async () => {
    const { sub } = await registerWeb(b);
    sockets.push(await aDevice(app.url, b));
    // The presence store is what the job asks; mark B live there directly, whatever the gateway reports.
    await app.app.get(PresenceStore).connect(b.user.id, 'test-device', Date.now());
    await notifyB(await send('you are here'));
    await sleep(WINDOW_MS);
    await pushQueueSettled();
    expect(web.statusesFor(sub.id)).toEqual([]);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/chat_push_skipped_total\{[^}]*reason="online"[^}]*\} [1-9]/);
  });

  it('deletes a web subscription answered with 410 Gone', async () => {
    const { sub, deviceId } = await registerWeb(b);
    web.respondWith(sub.id, 410);
    await notifyB(await send('anyone there?'));
    await sleep(WINDOW_MS);
    await pushQueueSettled();
    expect(web.statusesFor(sub.id)).toEqual([410]);
    expect(await devices().find(b.user.id, deviceId)).toBeNull();
  });

  it('retries a push service failing with 503, then delivers once', async () => {
    const { sub } = await registerWeb(b);
    web.respondWith(sub.id, 503);
    await notifyB(await send('second time lucky'));
    await atLeast(() => web.deliveriesTo(sub.id), 1);
    await pushQueueSettled();
    expect(web.statusesFor(sub.id)).toEqual([503, 201]);
    expect(web.deliveriesTo(sub.id)).toHaveLength(1);
  });

  it('counts other failures, keeps the device and does not retry', async () => {
    const { sub, deviceId } = await registerWeb(b);
    web.respondWith(sub.id, 403);
    await notifyB(await send('forbidden'));
    await sleep(WINDOW_MS);
    await pushQueueSettled();
    expect(web.statusesFor(sub.id)).toEqual([403]);
    expect(await devices().find(b.user.id, deviceId)).not.toBeNull();
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(
      /chat_push_deliveries_total\{[^}]*platform="web"[^}]*result="failed"[^}]*\} [1-9]/,
    );
  });

  it('sends a correctly formed FCM HTTP v1 request', async () => {
    const token = FcmStandin.aToken();
    await register(b, { deviceId: 'android', platform: 'fcm', token });
    const m = await send('hello over FCM');
    await notifyB(m);
    const [d] = await atLeast(() => fcm.received.items.filter((x) => x.token === token), 1);
    expect(d.message).toMatchObject({
      token,
      notification: { title: a.user.displayName, body: 'hello over FCM' },
      data: {
        type: 'message',
        channelId: m.channelId,
        channelType: 'dm',
        messageId: m.id,
        senderId: a.user.id,
        senderName: a.user.displayName,
        count: '1',
        badge: '1',
        preview: 'hello over FCM',
      },
      android: { priority: 'high', ttl: '86400s' },
    });
  });

  it('deletes an FCM token reported UNREGISTERED', async () => {
    const token = FcmStandin.aToken();
    await register(b, { deviceId: 'android', platform: 'fcm', token });
    fcm.respondWith(token, 'unregistered');
    await notifyB(await send('uninstalled?'));
    await sleep(WINDOW_MS);
    await pushQueueSettled();
    expect(fcm.requests.filter((r) => r.token === token).map((r) => r.status)).toEqual([404]);
    expect(await devices().find(b.user.id, 'android')).toBeNull();
  });

  it('sends a correctly formed APNs request', async () => {
    const token = ApnsStandin.aToken();
    await register(b, { deviceId: 'iphone', platform: 'apns', token });
    const m = await send('hello over APNs');
    await notifyB(m);
    const [d] = await atLeast(() => apns.received.items.filter((x) => x.deviceToken === token), 1);
    expect(d.headers).toMatchObject({
      'apns-topic': apns.topic,
      'apns-push-type': 'alert',
      'apns-priority': '10',
    });
    expect(d.body).toMatchObject({
      aps: {
        alert: { title: a.user.displayName, body: 'hello over APNs' },
        badge: 1,
        'thread-id': m.channelId,
      },
      channelId: m.channelId,
      messageId: m.id,
      count: 1,
    });
  });

  it.each([
    ['410 Unregistered', { status: 410, reason: 'Unregistered' }],
    ['400 BadDeviceToken', { status: 400, reason: 'BadDeviceToken' }],
  ])('deletes an APNs token answered %s', async (_label, answer) => {
    const token = ApnsStandin.aToken();
    await register(b, { deviceId: 'iphone', platform: 'apns', token });
    apns.respondWith(token, answer);
    await notifyB(await send('still there?'));
    await sleep(WINDOW_MS);
    await pushQueueSettled();
    expect(apns.requests.filter((r) => r.deviceToken === token).map((r) => r.status)).toEqual([
      answer.status,
    ]);
    expect(await devices().find(b.user.id, 'iphone')).toBeNull();
  });

  it('retries only the device whose service failed, so the others get no duplicate', async () => {
    const { sub } = await registerWeb(b);
    const fcmToken = FcmStandin.aToken();
    const apnsToken = ApnsStandin.aToken();
    await register(b, { deviceId: 'android', platform: 'fcm', token: fcmToken });
    await register(b, { deviceId: 'iphone', platform: 'apns', token: apnsToken });
    fcm.respondWith(fcmToken, 503);
    apns.respondWith(apnsToken, { status: 429, reason: 'TooManyRequests' });
    await notifyB(await send('everywhere'));
    await atLeast(() => web.deliveriesTo(sub.id), 1);
    await sleep(WINDOW_MS);
    await pushQueueSettled();
    expect(web.statusesFor(sub.id)).toEqual([201]);
    expect(fcm.requests.filter((r) => r.token === fcmToken).map((r) => r.status)).toEqual([503, 200]);
    expect(apns.requests.filter((r) => r.deviceToken === apnsToken).map((r) => r.status)).toEqual([429, 200]);
  });

  it('sends nothing for messages the recipient read on another device before the job ran', async () => {
    const { sub } = await registerWeb(b);
    const first = await send('read me elsewhere 1');
    const second = await send('read me elsewhere 2');
    await notifyB(first, second);
    // b reads both on a device that is not connected (the REST API): b stays offline, the job still runs.
    await b.http.markRead(first.channelId, second.id);
    await sleep(WINDOW_MS);
    await pushQueueSettled();
    expect(web.deliveriesTo(sub.id)).toEqual([]);
  });

  it('counts only what is left unread when the job runs, and the badge sums every conversation', async () => {
    const { sub } = await registerWeb(b);
    const c = await aUser(app.http);
    const fromC = await c.http.createGroup({ name: 'badge', memberIds: [b.user.id] });
    const cSocket = await aDevice(app.url, c);
    sockets.push(cSocket);
    const inGroup = await cSocket.send({
      clientMsgId: uniqueName('c'),
      channelId: fromC.id,
      content: 'group news',
    });
    if (!inGroup.ok) throw new Error(inGroup.error.code);
    const burst = [await send('one'), await send('two'), await send('three')];
    await notifyB(...burst);
    await b.http.markRead(burst[0].channelId, burst[0].id); // read the first of the three elsewhere
    const inDm = () =>
      web
        .deliveriesTo(sub.id)
        .filter((d) => (d.payload as { channelId: string }).channelId === burst[0].channelId);
    const [delivery] = await atLeast(inDm, 1);
    await pushQueueSettled();
    expect(inDm()).toHaveLength(1);
    // two left in the DM, one in the group
    expect(delivery.payload).toMatchObject({ messageId: burst[2].id, count: 2, badge: 3 });
  });

  it('pushes a DM to an offline recipient', async () => {
    const { sub } = await registerWeb(b);
    const m = await send('are you asleep?');
    const [delivery] = await atLeast(() => web.deliveriesTo(sub.id), 1, 10_000, 'pushes');
    expect(delivery.payload).toMatchObject({ messageId: m.id, count: 1, preview: 'are you asleep?' });
  });
});
