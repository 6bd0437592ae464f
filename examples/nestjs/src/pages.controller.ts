import { Body, Controller, Get, Post, Redirect, UseGuards, UseInterceptors } from '@nestjs/common';
import {
  homePage,
  MAX_NAME_LENGTH,
  type PageContext,
  parseSignInName,
  sessionsPage,
  signInPage,
} from '@sess/example-shared';
import { InjectSessionStore, Session, type SessionStore, SignedInGuard } from '@sess/nestjs';
import { FRAMEWORK } from './framework-name.js';
import { PageHeaders } from './page-headers.interceptor.js';
import { SignInRefused } from './sign-in-refused.js';

// `session.counter` is typed by @sess/example-shared (its src/session-data.ts).

interface SignInForm {
  name?: unknown;
}

@Controller()
@UseInterceptors(PageHeaders)
export class PagesController {
  constructor(@InjectSessionStore() private readonly store: SessionStore) {}

  @Get()
  async home(@Session() session: Session): Promise<string> {
    const name = session.principal;
    // A visitor who is not signed in gets the form, and no session: nothing is written for them.
    if (name === undefined) return signInPage(await this.context());
    const counter = (session.counter ?? 0) + 1;
    session.counter = counter;
    return homePage(await this.context(), name, counter);
  }

  @Post('sign-in')
  @Redirect('/', 303)
  async signIn(@Session() session: Session, @Body() form: SignInForm | undefined): Promise<void> {
    const name = parseSignInName(form?.name);
    if (name === undefined) {
      throw new SignInRefused(`Type a name of 1 to ${MAX_NAME_LENGTH} characters.`);
    }
    // A new session id on every sign-in, so an id planted before it is worthless after it.
    await session.signIn(name);
  }

  /** Signed in only: `SignedInGuard` answers 401, which `PageErrors` turns into the form. */
  @Get('sessions')
  @UseGuards(SignedInGuard)
  async sessions(@Session() session: Session): Promise<string> {
    const sessions = await session.listSessions();
    return sessionsPage(await this.context(), session.principal ?? '', sessions);
  }

  /**
   * A revoke button of the devices page: the handle names one of this user's sessions, and a
   * handle of anyone else's is refused (`revokeSession` resolves to false).
   */
  @Post('sessions/revoke')
  @Redirect('/sessions', 303)
  async revoke(
    @Session() session: Session,
    @Body() form: { handle?: unknown } | undefined,
  ): Promise<{ url: string }> {
    if (session.principal !== undefined && typeof form?.handle === 'string') {
      await session.revokeSession(form.handle);
    }
    return { url: session.principal === undefined ? '/' : '/sessions' };
  }

  @Post('sign-out')
  @Redirect('/', 303)
  async signOut(@Session() session: Session): Promise<void> {
    await session.signOut();
  }

  @Post('sign-out-everywhere')
  @Redirect('/', 303)
  async signOutEverywhere(@Session() session: Session): Promise<void> {
    if (session.principal !== undefined) await session.revokeEverywhere();
  }

  private async context(): Promise<PageContext> {
    return { framework: FRAMEWORK, activeSessions: await this.store.count() };
  }
}
