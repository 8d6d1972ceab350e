/**
 * The container test only (`npm run test:docker`, through scripts/docker-test.sh, which starts the engine and
 * builds the images first). The main config leaves test/docker out of `npm test`.
 */
const base = require('../../jest.config.js');

module.exports = {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/docker/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60000,
};
