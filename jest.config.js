/** Two projects: unit specs beside the code, end-to-end suites in test/ that start the real app. */
const fs = require('fs');
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const transform = { '^.+\\.(t|j)s$': ['@swc/jest', { ...swc, swcrc: false }] };
// NestJS 12 ships ES modules only; Jest on Node 20 cannot require() them, so SWC compiles those
// packages to CommonJS like our own code (the service itself loads them natively with require(esm)).
const transformIgnorePatterns = ['/node_modules/(?!(@nestjs)/)'];
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/src', '<rootDir>/scripts'],
      testMatch: ['**/*.spec.ts'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      transform,
      transformIgnorePatterns,
    },
  ],
  testTimeout: 60000,
};
