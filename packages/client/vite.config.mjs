import { defineConfig } from 'vite';

// The SDK as a library: ESM (.mjs) and CommonJS (.cjs) of the client and of its contract entry; the wire
// types come from `tsc -p tsconfig.build.json` (dist/types). socket.io-client stays a dependency, not bundled.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    target: 'es2022',
    lib: {
      entry: { index: 'src/index.ts', contract: 'src/contract/index.ts' },
      formats: ['es', 'cjs'],
      fileName: (format, name) => `${name}.${format === 'es' ? 'mjs' : 'cjs'}`,
    },
    rolldownOptions: { external: [/^socket\.io-client/] },
  },
});
