// Preloaded (--require) into a worker thread started from the TypeScript sources, as under Jest, where the
// worker's .ts file is not compiled: compiles each .ts file the thread loads with SWC, as Jest does. From
// dist/ the worker is plain .js and this file is not used (tsc does not copy it, and @swc/core is a dev
// dependency).
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
