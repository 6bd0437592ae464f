import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { AppOptions, ExampleServer, ServeExample } from '@sess/example-shared';
import { appModuleWith } from './app.module.js';

/** Nest's HTTP platforms: the app and SessModule run unchanged on either. */
export type Platform = 'express' | 'fastify';

export async function createApp(
  options: AppOptions,
  platform: Platform = 'express',
): Promise<INestApplication> {
  const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  return NestFactory.create(appModuleWith(options), adapter, {
    logger: ['error', 'warn'],
    // A failed start is an error to report, not a reason for Nest to abort the process.
    abortOnError: false,
    // Stopping ends a browser's keep-alive connections instead of waiting for them.
    forceCloseConnections: true,
  });
}

/** The example runner's view of the app on `platform` (see @sess/example-shared). */
export function serveOn(platform: Platform): ServeExample {
  return async (options): Promise<ExampleServer> => {
    const app = await createApp(options, platform);
    return {
      server: app.getHttpServer(),
      listen: ({ port, host }) => app.listen(port, host),
      close: () => app.close(),
    };
  };
}
