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
import { session } from '@sess/express';
import { scrapeMetrics } from '@sess/prometheus';
import express, {
  type ErrorRequestHandler,
  type Express,
  type RequestHandler,
  type Response,
} from 'express';
import { LIVE_PAGE, LIVE_PAGE_HEADERS, LIVE_SCRIPT } from './live-page.js';

// `req.session.counter` is typed by @sess/example-shared (its src/session-data.ts).

const FRAMEWORK = 'Express';

export function createApp({ store, secrets }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(rejectCrossOriginPosts);
  // `devices`: each sign-in records its user agent and network for the devices page.
  app.use(session({ store, secrets, devices: true }));
  app.use(express.urlencoded({ extended: false, limit: '4kb' }));

  async function sendPage(
    res: Response,
    status: number,
    render: (context: PageContext) => string,
  ): Promise<void> {
    const context = { framework: FRAMEWORK, activeSessions: await store.count() };
    res.status(status).set(PAGE_HEADERS).send(render(context));
  }

  app.get('/', async (req, res) => {
    const name = req.session.principal;
    // A visitor who is not signed in gets the form, and no session: nothing is written for them.
    if (name === undefined) return sendPage(res, 200, (context) => signInPage(context));
    const counter = (req.session.counter ?? 0) + 1;
    req.session.counter = counter;
    return sendPage(res, 200, (context) => homePage(context, name, counter));
  });

  app.post('/sign-in', async (req, res) => {
    const name = parseSignInName(req.body?.name);
    if (name === undefined) {
      const error = `Type a name of 1 to ${MAX_NAME_LENGTH} characters.`;
      return sendPage(res, 400, (context) => signInPage(context, error));
    }
    // A new session id on every sign-in, so an id planted before it is worthless after it.
    await req.session.signIn(name);
    res.redirect(303, '/');
  });

  app.get('/sessions', async (req, res) => {
    const name = req.session.principal;
    if (name === undefined) return res.redirect(303, '/');
    const sessions = await req.session.listSessions();
    return sendPage(res, 200, (context) => sessionsPage(context, name, sessions));
  });

  // A revoke button of the devices page: the handle names one of this user's sessions, and a
  // handle of anyone else's is refused (`revokeSession` resolves to false).
  app.post('/sessions/revoke', async (req, res) => {
    const handle: unknown = req.body?.handle;
    if (req.session.principal !== undefined && typeof handle === 'string') {
      await req.session.revokeSession(handle);
    }
    res.redirect(303, req.session.principal === undefined ? '/' : '/sessions');
  });

  app.post('/sign-out', async (req, res) => {
    await req.session.signOut();
    res.redirect(303, '/');
  });

  app.post('/sign-out-everywhere', async (req, res) => {
    if (req.session.principal !== undefined) await req.session.revokeEverywhere();
    res.redirect(303, '/');
  });

  // A page with a WebSocket that closes when the session ends (see ./live-connections.ts).
  app.get('/live', (req, res) => {
    if (req.session.principal === undefined) return res.redirect(303, '/');
    res.status(200).set(LIVE_PAGE_HEADERS).send(LIVE_PAGE);
  });

  app.get('/live.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'no-store').send(LIVE_SCRIPT);
  });

  // For Prometheus (@sess/prometheus; the store reports to it when given `observer: sessMetrics()`).
  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await scrapeMetrics();
    res.type(contentType).send(body);
  });

  app.use(renderError);
  return app;
}

const rejectCrossOriginPosts: RequestHandler = (req, res, next) => {
  if (!isCrossOriginPost(req.method, req.headers.origin, req.headers.host)) return next();
  res
    .status(403)
    .set(PAGE_HEADERS)
    .send(errorPage(FRAMEWORK, 403, 'Cross-origin form posts are refused.'));
};

const renderError: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  const failure = describeFailure(error);
  if (failure.unexpected) console.error(error);
  res
    .status(failure.status)
    .set(PAGE_HEADERS)
    .send(errorPage(FRAMEWORK, failure.status, failure.message));
};
