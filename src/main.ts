import 'reflect-metadata';
import { bootstrap } from './bootstrap';
import { ConfigError, loadConfig } from './config/app-config';
import { loadDotEnv } from './config/dot-env';

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
  if (process.stdout.isTTY && config.logFormat !== 'json') {
    // A person at a terminal: where things are, in one line.
    const base = url.replace(/\/\/(\[::1?\]|0\.0\.0\.0|127\.0\.0\.1)(?=:)/, '//localhost');
    const docs = config.hasRole('api') ? `, web chat ${base}/, API docs ${base}/api/docs` : '';
    console.log(
      `chat server listening on ${base} (roles ${roles.join(',')}${docs}, metrics ${base}/metrics)`,
    );
  } else {
    // The line scripts, tests and the bench wait for.
    console.log(JSON.stringify({ msg: 'chat server listening', url, roles, pid: process.pid }));
  }
}

main().catch((e: unknown) => {
  console.error('start-up failed:', e);
  process.exit(1);
});
