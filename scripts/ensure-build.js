#!/usr/bin/env node
// Build once if a build is missing or older than its sources: `npm start` (the server, dist/) and
// `npm run bench` (the load tool, dist-bench/; it also starts the server, so both are checked).
const { existsSync, statSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');

const root = join(__dirname, '..');
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);
const builds = {
  server: { out: join(root, 'dist', 'main.js'), sources: ['src', 'packages/client/src', 'packages/web/src'], script: 'build' },
  bench: { out: join(root, 'dist-bench', 'bench', 'main.js'), sources: ['src', 'packages/client/src', 'bench'], script: 'build:bench' },
};
const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : ['server']) {
  const { out, sources, script } = builds[name];
  const sourceTime = Math.max(...sources.filter((s) => existsSync(join(root, s))).map((s) => newest(join(root, s))));
  if (!existsSync(out) || statSync(out).mtimeMs < sourceTime) {
    console.log(`building ${name} (${out.slice(root.length + 1)} is missing or stale)...`);
    execSync(`npm run ${script}`, { cwd: root, stdio: 'inherit' });
  }
}
