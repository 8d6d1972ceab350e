import 'reflect-metadata';
import { AdminRest } from './admin/cli/admin-rest';
import { REST_COMMANDS } from './admin/cli/rest-commands';
import { AppError } from './common/app-error';
import { ConfigError } from './config/app-config';
import { loadDotEnv } from './config/dot-env';

/**
 * The operator's command line: `npm run admin -- <command>`. Role changes work on the configured store
 * directly (the same environment as the server: DATABASE_URL, DATA_DIR, ...), so the first admin can be made
 * with no admin yet; the rest go through a running deployment's admin REST API.
 */
const STORE_COMMANDS: Record<string, { role: 'admin' | 'user'; help: string }> = {
  'grant-admin': {
    role: 'admin',
    help: 'give a user the admin role (on the store; works with no admin yet)',
  },
  'revoke-admin': { role: 'user', help: 'take the admin role away (on the store)' },
};

function usage(): string {
  const rows = [
    ...Object.entries(STORE_COMMANDS).map(([name, c]) => [`${name} <username>`, c.help]),
    ...Object.entries(REST_COMMANDS).map(([name, c]) => [`${name} ${c.args}`.trim(), c.help]),
  ];
  return [
    'usage: npm run admin -- <command> [arguments]',
    '',
    ...rows.map(([cmd, help]) => `  ${cmd.padEnd(30)} ${help}`),
    '',
    'grant-admin and revoke-admin read the server configuration (environment, .env) and change the store.',
    'The others call a running api at CHAT_URL (default http://127.0.0.1:$PORT) as an admin:',
    'CHAT_ADMIN_TOKEN, or CHAT_ADMIN_USERNAME and CHAT_ADMIN_PASSWORD.',
  ].join('\n');
}

async function run(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const store = command ? STORE_COMMANDS[command] : undefined;
  const rest = command ? REST_COMMANDS[command] : undefined;
  const wanted = (store ? '<username>' : (rest?.args ?? '')).split(' ').filter(Boolean).length;
  if (!store && !rest) {
    console.error(usage());
    return command && command !== 'help' ? 2 : 0;
  }
  if (args.length !== wanted) {
    console.error(`${command} takes ${store ? '<username>' : rest!.args || 'no arguments'}\n\n${usage()}`);
    return 2;
  }
  loadDotEnv();
  // Nest and the stores load only for the commands that use them: the REST ones start in a blink.
  const out = store
    ? await (await import('./admin-cli-store')).changeRole(store.role, args[0], process.env)
    : await rest!.run(
        new AdminRest({
          url: process.env.CHAT_URL || `http://127.0.0.1:${process.env.PORT || 3000}`,
          token: process.env.CHAT_ADMIN_TOKEN || undefined,
          username: process.env.CHAT_ADMIN_USERNAME || undefined,
          password: process.env.CHAT_ADMIN_PASSWORD || undefined,
        }),
        args,
      );
  console.log('json' in out ? JSON.stringify(out.json, null, 2) : out.line);
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const message =
      e instanceof AppError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    console.error(e instanceof ConfigError ? message : `error: ${message}`);
    process.exit(e instanceof ConfigError ? 78 : 1);
  },
);
