import { AdminRest } from './admin-rest';

/** What a REST-backed command prints: data as JSON, or one line saying what was done. */
export type Output = { json: unknown } | { line: string };

interface UserRow {
  id: string;
  username: string;
}

/** The id of the user with exactly this name (the admin list searches by prefix). */
async function userId(rest: AdminRest, username: string): Promise<string> {
  const name = username.toLowerCase();
  const page = await rest.call<{ users: UserRow[] }>(
    'GET',
    `/api/admin/users?search=${encodeURIComponent(name)}&limit=100`,
  );
  const user = page.users.find((u) => u.username === name);
  if (!user) throw new Error(`not_found: no user named ${username}`);
  return user.id;
}

const path = (s: string) => encodeURIComponent(s);

/** Each command: its arguments, what it does, and the REST calls it makes. */
export const REST_COMMANDS: Record<
  string,
  { args: string; help: string; run(rest: AdminRest, args: string[]): Promise<Output> }
> = {
  nodes: {
    args: '',
    help: 'the chat nodes discovery sees as healthy, with their load',
    run: async (rest) => ({ json: await rest.call('GET', '/api/admin/chat-nodes') }),
  },
  queues: {
    args: '',
    help: 'job counts of every queue, by state',
    run: async (rest) => ({ json: await rest.call('GET', '/api/admin/queues') }),
  },
  failed: {
    args: '<queue>',
    help: "a queue's most recently failed jobs",
    run: async (rest, [queue]) => ({
      json: await rest.call('GET', `/api/admin/queues/${path(queue)}/failed?limit=200`),
    }),
  },
  retry: {
    args: '<queue> <jobId|--all>',
    help: 'put a failed job (or every listed failed job) back to waiting with fresh attempts',
    run: async (rest, [queue, jobId]) => {
      const ids =
        jobId === '--all'
          ? (
              await rest.call<{ jobId: string }[]>('GET', `/api/admin/queues/${path(queue)}/failed?limit=200`)
            ).map((j) => j.jobId)
          : [jobId];
      for (const id of ids)
        await rest.call('POST', `/api/admin/queues/${path(queue)}/failed/${path(id)}/retry`);
      return { line: `retried ${ids.length} job(s) of ${queue}` };
    },
  },
  dashboard: {
    args: '',
    help: 'a one-minute sign-in link to the queue dashboard (Bull Board), to open in a browser',
    run: async (rest) => {
      const link = await rest.call<{ url: string }>('POST', '/api/admin/dashboards/session');
      return { line: rest.resolve(link.url) };
    },
  },
  ban: {
    args: '<username>',
    help: 'ban a user: sessions end, sockets are disconnected everywhere',
    run: async (rest, [username]) => {
      await rest.call('POST', `/api/admin/users/${path(await userId(rest, username))}/ban`);
      return { line: `banned ${username}` };
    },
  },
  unban: {
    args: '<username>',
    help: 'lift a ban',
    run: async (rest, [username]) => {
      await rest.call('POST', `/api/admin/users/${path(await userId(rest, username))}/unban`);
      return { line: `unbanned ${username}` };
    },
  },
  logout: {
    args: '<username>',
    help: "end every session of a user and disconnect the user's sockets",
    run: async (rest, [username]) => {
      await rest.call('POST', `/api/admin/users/${path(await userId(rest, username))}/logout`);
      return { line: `ended every session of ${username}` };
    },
  },
};
