import type { AddressInfo } from 'node:net';
import { All, Controller, Module, NotFoundException, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Session, SessModule } from '@sess/nestjs';
import type { StartApp } from './adapter-suite.js';

/**
 * The suite's app as a NestJS application on one of Nest's HTTP platforms: SessModule installs
 * the platform's adapter, one controller serves every route with `@Session()`, and errors go
 * through Nest's default exception filter. The suite owns its stores, hence `'leave-open'`.
 */
export function nestApp(platform: 'express' | 'fastify'): StartApp {
  // Every path: Express' router writes it as a named wildcard, Fastify's as a bare one.
  const everyPath = platform === 'express' ? '{*path}' : '*';
  return async (options, routes) => {
    @Controller()
    class SuiteRoutes {
      @All(everyPath)
      handle(@Session() session: Session, @Req() request: { url: string }) {
        const url = new URL(request.url, 'http://localhost');
        const route = routes[url.pathname];
        if (route === undefined) throw new NotFoundException();
        return route(session, url.searchParams);
      }
    }

    @Module({
      imports: [SessModule.forRoot({ ...options, onShutdown: 'leave-open' })],
      controllers: [SuiteRoutes],
    })
    class SuiteModule {}

    const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
    const app = await NestFactory.create(SuiteModule, adapter, {
      logger: false,
      abortOnError: false,
      forceCloseConnections: true,
    });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  };
}
