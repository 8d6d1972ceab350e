// A BullMQ job worker in a process of its own, for the crash test: it announces each job it starts and then
// hangs on it, so the test can SIGKILL it mid-job. Runs the built code (dist/), like the server does.
require('reflect-metadata');
const { RedisService } = require('../../dist/redis/redis.service');
const { BullmqJobQueue } = require('../../dist/queue/bullmq-job-queue');

const say = (msg) => process.stdout.write(`${JSON.stringify(msg)}\n`);

(async () => {
  const redis = new RedisService({ redisUrl: process.env.REDIS_URL });
  const queue = new BullmqJobQueue(redis, {
    prefix: process.env.JOB_QUEUE_PREFIX,
    lockDurationMs: Number(process.env.JOB_QUEUE_LOCK_MS),
    stalledIntervalMs: Number(process.env.JOB_QUEUE_STALLED_MS),
  });
  queue.registerProcessor('fanout', (payload, meta) => {
    say({ started: meta.jobId, attempt: meta.attempt });
    return new Promise(() => undefined);
  });
  await queue.start();
  say({ ready: true });
})().catch((e) => {
  say({ error: e.message });
  process.exit(1);
});
