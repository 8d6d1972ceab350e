import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/**
 * The layers of src/, lowest first (docs/architecture.md). A folder may import only folders below it, so
 * there is no import cycle between folders and infrastructure never reaches up into a feature. Files at the
 * root of src/ (the composition root: app.module, entities, bootstrap, main) may import anything.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['contract'], // the wire types of the client contract: imported by server and client alike, imports nothing
  ['config'],
  ['common'],
  ['redis'],
  ['ids', 'database', 'cassandra', 'queue', 'realtime'],
  ['metrics'],
  ['discovery', 'health'],
  ['users'],
  ['auth'],
  ['presence'],
  ['conversations'], // per-user conversation state: written by groups (membership) and messaging
  ['friends', 'groups', 'devices'],
  ['messaging'],
  ['notification'],
  ['chat-gateway', 'admin'],
  ['web'], // serves the built web chat (packages/web) at /
  ['fault-injection'], // faults for the e2e and fault tests, loaded only with CHAT_TEST_HOOKS=1
];
/** The typed client (packages/client) ships to browsers and other processes: its own files and these only. */
const CLIENT_MAY_IMPORT = new Set(['socket.io-client']);

const SRC = join(__dirname, '..', '..', 'src');
const CLIENT_SRC = join(__dirname, '..', '..', 'packages', 'client', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

/** The top folder of src/ that holds a file or folder, undefined for a file at the root of src/. */
function folderOf(path: string): string | undefined {
  const parts = relative(SRC, path).split(sep);
  return parts.length > 1 || !existsSync(path + '.ts') ? parts[0] : undefined;
}

interface Edge {
  from: string;
  to: string;
  file: string;
}

function crossFolderImports(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sources(SRC)) {
    const from = folderOf(file.slice(0, -'.ts'.length));
    if (!from) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/from\s+'(\.[^']+)'/g)) {
      const target = normalize(join(dirname(file), m[1]));
      const to = target.startsWith(SRC + sep) ? folderOf(target) : 'outside src/';
      if (to !== from) edges.push({ from, to: to ?? '(root of src/)', file: relative(SRC, file) });
    }
  }
  return edges;
}

const rank = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));

describe('layers of src/', () => {
  const edges = crossFolderImports();

  it('every folder of src/ has a layer', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.filter((f) => !rank.has(f))).toEqual([]);
  });

  it('every import between folders goes to a lower layer', () => {
    const upward = edges
      .filter((e) => !(rank.get(e.to)! < rank.get(e.from)!))
      .map((e) => `${e.file} (${e.from}) imports ${e.to}`);
    expect(upward).toEqual([]);
  });

  it('the server takes only the contract from the client package, through src/contract', () => {
    const uses = sources(SRC).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from\s+'(@chat-server\/client[^']*)'/g)].map(
        (m) => `${relative(SRC, file)} imports ${m[1]}`,
      ),
    );
    expect(uses).toEqual([`${join('contract', 'index.ts')} imports @chat-server/client/contract`]);
  });

  it('the typed client imports nothing of the server', () => {
    const leaks = sources(CLIENT_SRC).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)]
        .map((m) => m[1])
        .filter((spec) =>
          spec.startsWith('.')
            ? !normalize(join(dirname(file), spec)).startsWith(CLIENT_SRC + sep)
            : !CLIENT_MAY_IMPORT.has(spec),
        )
        .map((spec) => `${relative(CLIENT_SRC, file)} imports ${spec}`),
    );
    expect(leaks).toEqual([]);
  });

  it('the contract imports nothing at all', () => {
    const imports = sources(join(CLIENT_SRC, 'contract')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)]
        .filter((m) => !m[1].startsWith('./'))
        .map((m) => `${relative(CLIENT_SRC, file)} imports ${m[1]}`),
    );
    expect(imports).toEqual([]);
  });
});
