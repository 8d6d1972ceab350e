import 'reflect-metadata';
import { bootstrap } from './bootstrap';
import { ConfigError, loadConfig } from './config/app-config';
import { loadDotEnv } from './config/dot-env';
import { wantsHumanLogs } from './common/logger.module';

async function main(): Promise<void> {
  let config;
  try {
    loadDotEnv();
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const app = await bootstrap(config);
  const url = await app.getUrl();
  const roles = [...config.roles];
  // Where things are: the web chat and the API docs are served by the api role, metrics by every role.
  const base = url.replace(/\/\/(\[::1?\]|0\.0\.0\.0|127\.0\.0\.1)(?=:)/, '//localhost');
  const links = {
    ...(config.hasRole('api') ? { web: `${base}/`, docs: `${base}/api/docs` } : {}),
    metrics: `${base}/metrics`,
  };
  if (wantsHumanLogs(config)) {
    const where = Object.entries(links).map(([name, at]) => `${name === 'web' ? 'web chat' : name} ${at}`);
    console.log(`chat server listening on ${base} (roles ${roles.join(',')}; ${where.join(', ')})`);
  } else {
    // The line scripts, tests and the bench wait for.
    console.log(JSON.stringify({ msg: 'chat server listening', url, roles, pid: process.pid, ...links }));
  }
}

main().catch((e: unknown) => {
  console.error('start-up failed:', e);
  process.exit(1);
});
