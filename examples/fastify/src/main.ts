import { runExample } from '@sess/example-shared';
import { createApp } from './app.js';

// Settings, the zero-setup session store, the startup banner and a clean stop on SIGINT or
// SIGTERM are the same in every example: see `runExample` in @sess/example-shared. A Fastify
// instance listens and closes by itself, so `createApp` serves as it is.
await runExample('Fastify', createApp);
