import { randomUUID } from 'node:crypto';
import { SendMessageService, type SendContext } from '../../src/messaging/send-message.service';
import type { JobPayload, QueueName } from '../../src/queue/job-catalogue';
import { JobQueue } from '../../src/queue/job-queue';
import { e2eStacks, RunningApp, startApp } from '../support/app';
import { aUser, devicesPerTest, TestUser } from '../support/builders';
import { until } from '../support/wait';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(e2eStacks('correlation e2e', { cassandra: false }))(
  'correlation ids ($name)',
  ({ name, env }) => {
    let app: RunningApp;
    let alice: TestUser;
    let bob: TestUser;
    let carol: TestUser;
    const device = devicesPerTest(() => app.url);
    let starts: jest.SpiedFunction<SendMessageService['start']>;
    let adds: jest.SpiedFunction<JobQueue['add']>;

    beforeAll(async () => {
      app = await startApp(env);
      [alice, bob, carol] = await Promise.all([aUser(app.http), aUser(app.http), aUser(app.http)]);
      // Watched, not replaced: the real send path and the real queue run.
      starts = jest.spyOn(app.app.get(SendMessageService), 'start');
      adds = jest.spyOn(app.app.get(JobQueue), 'add');
    });
    afterAll(() => app.close());

    /** The correlation id the gateway gave the send of this clientMsgId. */
    const correlationOf = (clientMsgId: string): string | undefined =>
      starts.mock.calls
        .map(([ctx, input]) => (input.clientMsgId === clientMsgId ? ctx : undefined))
        .find((ctx): ctx is SendContext => ctx !== undefined)?.correlationId;

    const jobsOf = <Q extends QueueName>(queue: Q, messageId: string): JobPayload<Q>[] =>
      adds.mock.calls
        .filter(([q, payload]) => q === queue && payload.messageId === messageId)
        .map(([, payload]) => payload as JobPayload<Q>);

    it('carries the id of a DM send into the push job for its offline recipient', async () => {
      const socket = await device(alice);
      const clientMsgId = randomUUID();
      const ack = await socket.send({ clientMsgId, to: bob.user.id, content: 'are you there?' });
      if (!ack.ok) throw new Error(ack.error.code);

      const id = correlationOf(clientMsgId);
      expect(id).toMatch(UUID);
      const [push] = await until(
        () => jobsOf('push', ack.message.id),
        (j) => j.length > 0,
        5000,
        'a push job',
      );
      expect(push).toMatchObject({ userId: bob.user.id, correlationId: id });
    });

    it('carries the id of a group send into its fan-out job and the push jobs that follow', async () => {
      const group = await alice.http.createGroup({ name: 'trace', memberIds: [bob.user.id, carol.user.id] });
      const socket = await device(alice);
      const clientMsgId = randomUUID();
      const ack = await socket.send({ clientMsgId, channelId: group.id, content: 'hello all' });
      if (!ack.ok) throw new Error(ack.error.code);

      const id = correlationOf(clientMsgId);
      expect(id).toMatch(UUID);
      // The embedded server fans out on the send path, without a job; the distributed one queues it.
      const fanouts = jobsOf('fanout', ack.message.id).map((j) => j.correlationId);
      expect(fanouts).toEqual(name === 'embedded' ? [] : [id]);
      const pushes = await until(
        () => jobsOf('push', ack.message.id),
        (j) => j.length >= 2,
        5000,
        'push jobs',
      );
      expect(pushes.map((p) => [p.userId, p.correlationId]).sort()).toEqual(
        [
          [bob.user.id, id],
          [carol.user.id, id],
        ].sort(),
      );
    });

    it('gives every send an id of its own', async () => {
      const socket = await device(alice);
      const [first, second] = [randomUUID(), randomUUID()];
      await socket.send({ clientMsgId: first, to: carol.user.id, content: 'one' });
      await socket.send({ clientMsgId: second, to: carol.user.id, content: 'two' });
      expect(correlationOf(first)).not.toEqual(correlationOf(second));
    });
  },
);
