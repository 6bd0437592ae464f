import type { AddressInfo } from 'node:net';
import {
  Controller,
  type DynamicModule,
  Get,
  HttpCode,
  type INestApplication,
  Inject,
  Injectable,
  Param,
  Post,
  type Provider,
  type Type,
  UseGuards,
} from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { InjectSessionStore, Session, type SessionStore, SignedInGuard } from '../src/index.js';

declare module '@sess/core' {
  interface SessionData {
    visits: number;
    note: string;
  }
}

export type Platform = 'express' | 'fastify';
export const PLATFORMS: readonly Platform[] = ['express', 'fastify'];

/** An application service that manages other users' sessions through the injected store. */
@Injectable()
export class AccountService {
  readonly #store: SessionStore;

  constructor(@InjectSessionStore() store: SessionStore) {
    this.#store = store;
  }

  async sessionCount(user: string): Promise<number> {
    return (await this.#store.findByPrincipal(user)).length;
  }

  signOutEverywhere(user: string): Promise<number> {
    return this.#store.revokePrincipal(user);
  }
}

@Controller()
export class TestController {
  readonly #accounts: AccountService;

  constructor(@Inject(AccountService) accounts: AccountService) {
    this.#accounts = accounts;
  }

  @Get('visits')
  visits(@Session() session: Session) {
    session.visits = (session.visits ?? 0) + 1;
    return { visits: session.visits, user: session.principal ?? null };
  }

  @Get('peek')
  peek(@Session() session: Session) {
    return { id: session.id ?? null, visits: session.visits ?? null };
  }

  @Post('note/:text')
  @HttpCode(200)
  note(@Session() session: Session, @Param('text') text: string) {
    session.note = text;
    return { note: text };
  }

  @Post('sign-in/:name')
  @HttpCode(200)
  async signIn(@Session() session: Session, @Param('name') name: string) {
    const before = session.id ?? null;
    await session.signIn(name);
    return { user: session.principal, before, after: session.id };
  }

  @Post('sign-out')
  @HttpCode(200)
  async signOut(@Session() session: Session) {
    await session.signOut();
    return { user: session.principal ?? null };
  }

  @Get('me')
  @UseGuards(SignedInGuard)
  me(@Session() session: Session) {
    return { user: session.principal };
  }

  @Get('accounts/:name')
  async sessions(@Param('name') name: string) {
    return { sessions: await this.#accounts.sessionCount(name) };
  }

  @Post('accounts/:name/sign-out-everywhere')
  @HttpCode(200)
  async signOutEverywhere(@Param('name') name: string) {
    return { revoked: await this.#accounts.signOutEverywhere(name) };
  }
}

export interface RunningNestApp {
  readonly app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
}

/**
 * A Nest application on `platform` with `imports` (SessModule among them), the test
 * controller and the account service, listening on a free loopback port.
 */
export async function startNestApp(
  platform: Platform,
  imports: Array<DynamicModule | Type>,
  providers: Provider[] = [],
): Promise<RunningNestApp> {
  const moduleRef = await Test.createTestingModule({
    imports,
    controllers: [TestController],
    providers: [AccountService, ...providers],
  }).compile();
  const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = moduleRef.createNestApplication(adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}
