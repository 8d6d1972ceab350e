// A separate process that leases a snowflake node id from Redis, prints it, and holds it until stdin closes.
// With ISSUE_IDS=1 it also issues ids all along (about one a millisecond) and prints them all when stdin closes.
const { setTimeout } = require('node:timers');
require('reflect-metadata');
const { RedisService } = require('../../dist/redis/redis.service');
const { RedisNodeIdLease } = require('../../dist/ids/redis-node-id-lease');
const { IdGenerator } = require('../../dist/ids/id-generator');

(async () => {
  const redis = new RedisService({ redisUrl: process.env.REDIS_URL });
  const lease = new RedisNodeIdLease(redis);
  const issued = [];
  let issuing = process.env.ISSUE_IDS === '1';
  // START_ON_GO=1: loaded and connected, it says so and waits for a first stdin line before leasing, so a
  // test can have it lease at a chosen moment (process start-up takes seconds on a loaded machine).
  if (process.env.START_ON_GO === '1') {
    await redis.client.ping();
    process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
    await new Promise((resolve) => process.stdin.once('data', resolve));
  }
  try {
    await lease.onModuleInit();
    process.stdout.write(`${JSON.stringify({ nodeId: lease.held() })}\n`);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ error: e.message })}\n`);
    issuing = false;
  }
  const ids = new IdGenerator(lease);
  const loop = (async () => {
    let announced = false;
    while (issuing) {
      try {
        issued.push(await ids.next());
        if (!announced) process.stdout.write(`${JSON.stringify({ issuing: true })}\n`);
        announced = true;
      } catch {
        // unavailable: no lease for 5 s; keep trying
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  process.stdin.resume();
  process.stdin.on('end', async () => {
    issuing = false;
    await loop;
    await lease.onApplicationShutdown();
    await redis.onApplicationShutdown();
    process.stdout.write(`${JSON.stringify({ issued })}\n`, () => process.exit(0));
  });
})();
