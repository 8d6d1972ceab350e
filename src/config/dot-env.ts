import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** `.env` in the working directory, when there is one; a variable already set in the environment wins. */
export function loadDotEnv(): void {
  const file = resolve('.env');
  if (existsSync(file)) process.loadEnvFile(file);
}
