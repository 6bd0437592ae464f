import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each file starts its own redis-server; the fleet test opens a thousand sockets.
    testTimeout: 30_000,
    hookTimeout: 20_000,
  },
});
