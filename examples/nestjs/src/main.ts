import { runExample } from '@sess/example-shared';
import { serveOn } from './app.js';

// Settings, the zero-setup session store, the startup banner and a clean stop on SIGINT or
// SIGTERM are the same in every example: see `runExample` in @sess/example-shared.
const platform = process.env.NEST_PLATFORM ?? 'express';
if (platform !== 'express' && platform !== 'fastify') {
  console.error(`NEST_PLATFORM: 'express' (the default) or 'fastify', not '${platform}'`);
  process.exit(1);
}
await runExample(`NestJS on ${platform === 'express' ? 'Express' : 'Fastify'}`, serveOn(platform));
