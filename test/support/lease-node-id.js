// A separate process that leases a snowflake node id from Redis, prints it, and holds it until stdin closes.
require('reflect-metadata');
const { RedisService } = require('../../dist/redis/redis.service');
const { RedisNodeIdLease } = require('../../dist/ids/redis-node-id-lease');

(async () => {
  const redis = new RedisService({ redisUrl: process.env.REDIS_URL });
  const lease = new RedisNodeIdLease(redis);
  try {
    await lease.onModuleInit();
    process.stdout.write(`${JSON.stringify({ nodeId: lease.current() })}\n`);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ error: e.message })}\n`);
  }
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await lease.onApplicationShutdown();
    await redis.onApplicationShutdown();
    process.exit(0);
  });
})();
