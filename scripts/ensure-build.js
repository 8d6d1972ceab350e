#!/usr/bin/env node
// `npm start` on a fresh clone: build once if dist/ is missing or older than the sources.
const { existsSync, statSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');

const root = join(__dirname, '..');
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);
const main = join(root, 'dist', 'main.js');
if (!existsSync(main) || statSync(main).mtimeMs < newest(join(root, 'src'))) {
  console.log('building (dist/ is missing or stale)...');
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
}
