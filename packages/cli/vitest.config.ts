import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The command tests run the built binary: build it once first.
    globalSetup: ['./test/support/build-cli.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
