import {
  type AppOptions,
  describeFailure,
  errorPage,
  homePage,
  isCrossOriginPost,
  MAX_NAME_LENGTH,
  PAGE_HEADERS,
  type PageContext,
  parseSignInName,
  sessionsPage,
  signInPage,
} from '@sess/example-shared';
import { session } from '@sess/koa';
import { scrapeMetrics } from '@sess/prometheus';
import Koa, { type Context, type Middleware } from 'koa';
import { readForm } from './read-form.js';

// `ctx.session.counter` is typed by @sess/example-shared (its src/session-data.ts).

const FRAMEWORK = 'Koa';

export function createApp({ store, secrets }: AppOptions): Koa {
  const app = new Koa();

  async function sendPage(
    ctx: Context,
    status: number,
    render: (context: PageContext) => string,
  ): Promise<void> {
    const context = { framework: FRAMEWORK, activeSessions: await store.count() };
    ctx.status = status;
    ctx.set(PAGE_HEADERS);
    ctx.body = render(context);
  }

  function redirectHome(ctx: Context): void {
    ctx.redirect('/');
    ctx.status = 303;
  }

  // A tiny router: a handful of routes do not need a dependency.
  const routes: Middleware = async (ctx, next) => {
    const { session } = ctx;
    switch (`${ctx.method} ${ctx.path}`) {
      case 'GET /': {
        const name = session.principal;
        // A visitor who is not signed in gets the form, and no session: nothing is written.
        if (name === undefined) return sendPage(ctx, 200, (context) => signInPage(context));
        const counter = (session.counter ?? 0) + 1;
        session.counter = counter;
        return sendPage(ctx, 200, (context) => homePage(context, name, counter));
      }
      case 'POST /sign-in': {
        const name = parseSignInName((await readForm(ctx)).get('name'));
        if (name === undefined) {
          const error = `Type a name of 1 to ${MAX_NAME_LENGTH} characters.`;
          return sendPage(ctx, 400, (context) => signInPage(context, error));
        }
        // A new session id on every sign-in, so an id planted before it is worthless after it.
        await session.signIn(name);
        return redirectHome(ctx);
      }
      case 'GET /sessions': {
        const name = session.principal;
        if (name === undefined) return redirectHome(ctx);
        const sessions = await session.listSessions();
        return sendPage(ctx, 200, (context) => sessionsPage(context, name, sessions));
      }
      // A revoke button of the devices page: the handle names one of this user's sessions, and
      // a handle of anyone else's is refused (`revokeSession` resolves to false).
      case 'POST /sessions/revoke': {
        const handle = (await readForm(ctx)).get('handle');
        if (session.principal !== undefined && typeof handle === 'string') {
          await session.revokeSession(handle);
        }
        if (session.principal === undefined) return redirectHome(ctx);
        ctx.redirect('/sessions');
        ctx.status = 303;
        return;
      }
      case 'POST /sign-out':
        await session.signOut();
        return redirectHome(ctx);
      case 'POST /sign-out-everywhere':
        if (session.principal !== undefined) await session.revokeEverywhere();
        return redirectHome(ctx);
      // For Prometheus (@sess/prometheus; the store reports to it given `observer: sessMetrics()`).
      case 'GET /metrics': {
        const { contentType, body } = await scrapeMetrics();
        ctx.type = contentType;
        ctx.body = body;
        return;
      }
      default:
        return next();
    }
  };

  app.use(renderErrors);
  app.use(rejectCrossOriginPosts);
  // `devices`: each sign-in records its user agent and network for the devices page.
  app.use(session({ store, secrets, devices: true }));
  app.use(routes);
  return app;
}

/** Outermost, so it also answers for the session middleware (503 when Redis is down). */
const renderErrors: Middleware = async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    const failure = describeFailure(error);
    if (failure.unexpected) console.error(error);
    ctx.status = failure.status;
    ctx.set(PAGE_HEADERS);
    ctx.body = errorPage(FRAMEWORK, failure.status, failure.message);
  }
};

const rejectCrossOriginPosts: Middleware = async (ctx, next) => {
  if (!isCrossOriginPost(ctx.method, ctx.get('origin') || undefined, ctx.host)) return next();
  ctx.status = 403;
  ctx.set(PAGE_HEADERS);
  ctx.body = errorPage(FRAMEWORK, 403, 'Cross-origin form posts are refused.');
};
