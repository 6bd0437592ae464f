import { runExample } from '@sess/example-shared';
import { serveWithLiveConnections } from './live-connections.js';

// Settings, the zero-setup session store, the startup banner and a clean stop on SIGINT or
// SIGTERM are the same in every example: see `runExample` in @sess/example-shared. The app is
// served on `node:http` with its live page's WebSocket endpoint.
await runExample('Express', serveWithLiveConnections);
