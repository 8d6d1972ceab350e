import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root, found from this file whether it runs built (dist-bench/bench/) or as source under jest
 * (bench/): the nearest folder above with a package.json.
 */
function repoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const REPO_ROOT = repoRoot(__dirname);
/** The server the bench starts is the one `npm start` runs. */
export const SERVER_MAIN = join(REPO_ROOT, 'dist', 'main.js');
