import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  UnauthorizedException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  describeFailure,
  errorPage,
  type Failure,
  PAGE_HEADERS,
  signInPage,
} from '@sess/example-shared';
import { InjectSessionStore, type SessionStore } from '@sess/nestjs';
import { FRAMEWORK } from './framework-name.js';
import { CrossOriginPostRefused } from './same-origin-post.guard.js';
import { SignInRefused } from './sign-in-refused.js';

/**
 * Every error of the app as a page: the sign-in form again for a refused name, a redirect to it
 * for `SignedInGuard`'s 401, and an error page for the rest (503 while the session store does
 * not answer: sess' `SessError` with code `UNAVAILABLE`).
 */
@Catch()
export class PageErrors implements ExceptionFilter {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectSessionStore() private readonly store: SessionStore,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response: unknown = host.switchToHttp().getResponse();
    if (error instanceof UnauthorizedException) {
      this.adapterHost.httpAdapter.redirect(response, 303, '/');
      return;
    }
    if (error instanceof SignInRefused) {
      // The count is a nicety: a page without it beats an error about it.
      void this.store.count().then(
        (activeSessions) =>
          this.send(
            response,
            400,
            signInPage({ framework: FRAMEWORK, activeSessions }, error.message),
          ),
        () => this.send(response, 400, signInPage({ framework: FRAMEWORK }, error.message)),
      );
      return;
    }
    const failure: Failure =
      error instanceof CrossOriginPostRefused
        ? { status: 403, message: 'Cross-origin form posts are refused.', unexpected: false }
        : describeFailure(error);
    if (failure.unexpected) console.error(error);
    this.send(response, failure.status, errorPage(FRAMEWORK, failure.status, failure.message));
  }

  private send(response: unknown, status: number, page: string): void {
    const { httpAdapter } = this.adapterHost;
    for (const [name, value] of Object.entries(PAGE_HEADERS)) {
      httpAdapter.setHeader(response, name, value);
    }
    httpAdapter.reply(response, page, status);
  }
}
