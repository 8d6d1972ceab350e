import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { bootstrap } from './bootstrap';
import { ConfigError, loadConfig } from './config/app-config';

/** `.env` in the working directory, when there is one; a variable already set in the environment wins. */
function loadDotEnv(): void {
  const file = resolve('.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

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
  console.log(
    JSON.stringify({ msg: 'chat server listening', url, roles: [...config.roles], pid: process.pid }),
  );
}

main().catch((e: unknown) => {
  console.error('start-up failed:', e);
  process.exit(1);
});
