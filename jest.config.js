/**
 * Three tiers: unit (*.spec.ts beside the code), contract/integration and e2e (test/).
 * NestJS 12 ships ES modules only, and Jest's CommonJS module registry cannot require() them (Node's own
 * require(esm) does not apply there), so SWC turns those packages (and any other ESM-only dependency) into
 * CommonJS for the test run. Production runs the real ESM.
 */
const swc = (syntax) => [
  '@swc/jest',
  {
    jsc: {
      parser: syntax === 'ts' ? { syntax: 'typescript', decorators: true } : { syntax: 'ecmascript' },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: [
    '<rootDir>/packages/*/src/**/*.spec.ts',
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/test/**/*.spec.ts',
    '<rootDir>/bench/**/*.spec.ts',
  ],
  // The role containers need a Docker engine and built images: `npm run test:docker` (test/docker/jest.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/docker/'],
  transform: {
    '^.+\\.ts$': swc('ts'),
    '^.+\\.m?js$': swc('js'),
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|file-type|strtok3|token-types|peek-readable|uint8array-extras|@tokenizer|load-esm)/)',
  ],
  // Tests run the SDK from its source (the package builds it for everyone else).
  moduleNameMapper: {
    '^@chat-server/client$': '<rootDir>/packages/client/src',
    '^@chat-server/client/contract$': '<rootDir>/packages/client/src/contract',
  },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  globalSetup: '<rootDir>/test/global-setup.js',
  reporters: ['default', '<rootDir>/test/skip-reporter.js'],
  testTimeout: 30000,
};
