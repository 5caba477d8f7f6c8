import type { Config } from 'jest';

const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  rootDir: '.',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }] },
  moduleNameMapper: { '^@touchbase/(.*)$': '<rootDir>/libs/$1/src' },
} satisfies Config;

/** Unit specs live beside the code; integration and e2e suites in test/ run against real PostgreSQL. */
const config: Config = {
  maxWorkers: 2,
  // A clean checkout has no timings: the browser suites (minutes each) go first.
  testSequencer: '<rootDir>/test/support/sequencer.js',
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};

export default config;
