import type { MiddlewareConsumer } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { SessError } from '@sess/core';
import type { HttpSessions } from '@sess/core/adapter';
import { session } from '@sess/express';
import { sessPlugin } from '@sess/fastify';
import type { FastifyInstance } from 'fastify';

/**
 * Puts the sessions on every request of the application, with the adapter of its platform:
 * on Express the middleware of @sess/express, through Nest's middleware consumer (a global
 * module's middleware runs before that of the other modules); on Fastify the plugin of
 * @sess/fastify, registered on the instance before Nest adds the routes, so its hooks run for
 * every route. Both answer through Nest's exception filters when Redis is unavailable.
 */
export async function installSessions(
  adapter: AbstractHttpAdapter | undefined,
  consumer: MiddlewareConsumer,
  sessions: HttpSessions,
): Promise<void> {
  const platform = adapter?.getType();
  if (platform === 'express') {
    consumer.apply(session(sessions)).forRoutes('*');
    return;
  }
  if (adapter !== undefined && platform === 'fastify') {
    await adapter.getInstance<FastifyInstance>().register(sessPlugin, sessions);
    return;
  }
  throw new SessError(
    'INVALID_OPTION',
    `SessModule: sessions run on Nest's Express and Fastify platforms (@nestjs/platform-express, @nestjs/platform-fastify); this application's HTTP adapter is ${platform === undefined ? 'missing' : `'${platform}'`}`,
  );
}
