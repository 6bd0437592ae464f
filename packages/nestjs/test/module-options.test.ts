import type { AddressInfo } from 'node:net';
import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  Get,
  Inject,
  UseGuards,
} from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createMemoryPort, createSessionStore, isSessError } from '@sess/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SESSION_STORE,
  SessError,
  Session,
  type SessionStore,
  SessModule,
  type SessModuleOptions,
  SignedInGuard,
} from '../src/index.js';
import { PLATFORMS } from './test-app.js';

// How the module refuses what it cannot work with: at startup, with a SessError naming the
// option and the fix. The memory port stands in for Redis: no request reaches it.

function store(): SessionStore {
  return createSessionStore({ port: createMemoryPort(), cleaner: false });
}

async function compile(options: SessModuleOptions): Promise<unknown> {
  const moduleRef = await Test.createTestingModule({
    imports: [SessModule.forRoot(options)],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app.close();
}

function refusal(pattern: RegExp) {
  return (error: unknown) => isSessError(error, 'INVALID_OPTION') && pattern.test(error.message);
}

describe('SessModule options', () => {
  it("refuses another library's option with what to do instead", async () => {
    const options = { store: store(), secret: 'x'.repeat(32) } as SessModuleOptions;
    await expect(compile(options)).rejects.toSatisfy(
      refusal(/^secret: not a sess option.*secrets/),
    );
  });

  it('refuses an unknown option, naming it', async () => {
    const options = { store: store(), cookies: {} } as SessModuleOptions;
    await expect(compile(options)).rejects.toSatisfy(refusal(/^cookies: .*`cookie`/));
  });

  it('takes a store or the options of one: not neither, not both', async () => {
    await expect(compile({} as SessModuleOptions)).rejects.toSatisfy(
      refusal(/^store: missing; give `store`.*or `storeOptions`/),
    );
    const both = { store: store(), storeOptions: { port: createMemoryPort() } };
    await expect(compile(both as unknown as SessModuleOptions)).rejects.toSatisfy(
      refusal(/^storeOptions: .*not both/),
    );
  });

  it('checks onShutdown and the HTTP options at startup', async () => {
    const shutdown = { store: store(), onShutdown: 'close' } as unknown as SessModuleOptions;
    await expect(compile(shutdown)).rejects.toSatisfy(refusal(/^onShutdown: 'close-store'/));
    await expect(compile({ store: store(), secrets: 'short' })).rejects.toSatisfy(
      refusal(/secrets/),
    );
  });

  it('refuses forRootAsync options it does not take, saying what to use', () => {
    const useClass = { useClass: class {}, useFactory: () => ({ store: store() }) };
    expect(() => SessModule.forRootAsync(useClass)).toThrow(
      /^useClass: not supported; use `useFactory`/,
    );
    expect(() => SessModule.forRootAsync({} as never)).toThrow(/^useFactory: expected a function/);
  });

  it('checks what the forRootAsync factory returns', async () => {
    const moduleRef = Test.createTestingModule({
      imports: [
        SessModule.forRootAsync({
          useFactory: () => ({ store: store(), trustProxi: true }) as SessModuleOptions,
        }),
      ],
    });
    await expect(moduleRef.compile()).rejects.toSatisfy(refusal(/^trustProxi: .*`trustProxy`/));
  });

  it('provides the store in an application context without HTTP, and closes it', async () => {
    const given = store();
    const moduleRef = await Test.createTestingModule({
      imports: [SessModule.forRoot({ store: given })],
    }).compile();
    const context = await moduleRef.init();
    expect(context.get(SESSION_STORE)).toBe(given);
    await context.close();
    await expect(given.count()).rejects.toSatisfy((error) => isSessError(error, 'CLOSED'));
  });
});

@Controller()
class NoModuleController {
  @Get('session')
  session(@Session() session: Session) {
    return { id: session.id ?? null };
  }

  @Get('guarded')
  @UseGuards(SignedInGuard)
  guarded() {
    return {};
  }
}

@Catch()
class ErrorMessages implements ExceptionFilter {
  readonly #adapterHost: HttpAdapterHost;

  constructor(@Inject(HttpAdapterHost) adapterHost: HttpAdapterHost) {
    this.#adapterHost = adapterHost;
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const body = error instanceof SessError ? { code: error.code, message: error.message } : {};
    this.#adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, 500);
  }
}

describe.each(PLATFORMS)('without SessModule, on %s', (platform) => {
  const apps: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it('@Session() and SignedInGuard say the module is missing', async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [NoModuleController],
      providers: [{ provide: APP_FILTER, useClass: ErrorMessages }],
    }).compile();
    const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
    const app = moduleRef.createNestApplication(adapter, { logger: false });
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    for (const [path, who] of [
      ['session', '@Session()'],
      ['guarded', 'SignedInGuard'],
    ]) {
      const response = await fetch(`http://127.0.0.1:${port}/${path}`);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({
        code: 'INVALID_OPTION',
        message: `${who}: this request has no session; import SessModule.forRoot() or SessModule.forRootAsync() in the application's module`,
      });
    }
  });
});
