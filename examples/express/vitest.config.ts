import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The `npm start` test builds and boots the app, the browser test launches Chromium.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
