import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Starting a throwaway redis-server can take a few seconds on a busy machine.
    hookTimeout: 30_000,
  },
});
