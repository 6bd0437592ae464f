import { httpServer, runExample } from '@sess/example-shared';
import { createApp } from './app.js';

// Settings, the zero-setup session store, the startup banner and a clean stop on SIGINT or
// SIGTERM are the same in every example: see `runExample` in @sess/example-shared.
await runExample('Express', (options) => httpServer(createApp(options)));
