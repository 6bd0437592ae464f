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
import { sessPlugin } from '@sess/fastify';
import { scrapeMetrics } from '@sess/prometheus';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';

// `request.session.counter` is typed by @sess/example-shared (its src/session-data.ts).

const FRAMEWORK = 'Fastify';
const FORM_BODY_LIMIT = 4_096;

interface SignInForm {
  Body: { name?: string } | undefined;
}

interface RevokeForm {
  Body: { handle?: string } | undefined;
}

export async function createApp({ store, secrets }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify();

  // The HTML forms post urlencoded bodies; Fastify parses only JSON by itself.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  // Before the session plugin's hooks, so a refused post does not even load a session.
  app.addHook('onRequest', async (request, reply) => {
    if (!isCrossOriginPost(request.method, request.headers.origin, request.headers.host)) return;
    return reply
      .code(403)
      .headers(PAGE_HEADERS)
      .send(errorPage(FRAMEWORK, 403, 'Cross-origin form posts are refused.'));
  });

  app.setErrorHandler((error, _request, reply) => {
    const failure = describeFailure(error);
    if (failure.unexpected) console.error(error);
    return reply
      .code(failure.status)
      .headers(PAGE_HEADERS)
      .send(errorPage(FRAMEWORK, failure.status, failure.message));
  });

  // `devices`: each sign-in records its user agent and network for the devices page.
  await app.register(sessPlugin, { store, secrets, devices: true });

  async function sendPage(
    reply: FastifyReply,
    status: number,
    render: (context: PageContext) => string,
  ): Promise<FastifyReply> {
    const context = { framework: FRAMEWORK, activeSessions: await store.count() };
    return reply.code(status).headers(PAGE_HEADERS).send(render(context));
  }

  app.get('/', async (request, reply) => {
    const name = request.session.principal;
    // A visitor who is not signed in gets the form, and no session: nothing is written for them.
    if (name === undefined) return sendPage(reply, 200, (context) => signInPage(context));
    const counter = (request.session.counter ?? 0) + 1;
    request.session.counter = counter;
    return sendPage(reply, 200, (context) => homePage(context, name, counter));
  });

  app.post<SignInForm>('/sign-in', async (request, reply) => {
    const name = parseSignInName(request.body?.name);
    if (name === undefined) {
      const error = `Type a name of 1 to ${MAX_NAME_LENGTH} characters.`;
      return sendPage(reply, 400, (context) => signInPage(context, error));
    }
    // A new session id on every sign-in, so an id planted before it is worthless after it.
    await request.session.signIn(name);
    return reply.redirect('/', 303);
  });

  app.get('/sessions', async (request, reply) => {
    const name = request.session.principal;
    if (name === undefined) return reply.redirect('/', 303);
    const sessions = await request.session.listSessions();
    return sendPage(reply, 200, (context) => sessionsPage(context, name, sessions));
  });

  // A revoke button of the devices page: the handle names one of this user's sessions, and a
  // handle of anyone else's is refused (`revokeSession` resolves to false).
  app.post<RevokeForm>('/sessions/revoke', async (request, reply) => {
    const handle = request.body?.handle;
    if (request.session.principal !== undefined && typeof handle === 'string') {
      await request.session.revokeSession(handle);
    }
    return reply.redirect(request.session.principal === undefined ? '/' : '/sessions', 303);
  });

  app.post('/sign-out', async (request, reply) => {
    await request.session.signOut();
    return reply.redirect('/', 303);
  });

  app.post('/sign-out-everywhere', async (request, reply) => {
    if (request.session.principal !== undefined) await request.session.revokeEverywhere();
    return reply.redirect('/', 303);
  });

  // For Prometheus (@sess/prometheus; the store reports to it when given `observer: sessMetrics()`).
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await scrapeMetrics();
    return reply.type(contentType).send(body);
  });

  return app;
}
