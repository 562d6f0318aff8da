// ESM jest over TypeScript sources. ts-jest does not type-check here (isolatedModules);
// `npm test` runs `tsc --noEmit` first for that.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  moduleNameMapper: {
    '^@batch-ops/core$': '<rootDir>/packages/core/src/index.ts',
    '^@batch-ops/runtime$': '<rootDir>/packages/runtime/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  testMatch: ['**/__tests__/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 60000
}
