import formbody from '@fastify/formbody';
import { Authenticator } from '@fastify/passport';
import { passportPrincipal } from '@sess/core';
import { sessPlugin } from '@sess/fastify';
import Fastify from 'fastify';
import { Strategy as LocalStrategy } from 'passport-local';
import { PASSWORD, SECRET, type StartPassportApp, THIRTY_DAYS } from './passport-flow.js';

declare module 'fastify' {
  interface PassportUser {
    id: string;
  }
}

declare module '@sess/core' {
  interface SessionData {
    cart: string;
  }
}

/**
 * The Passport app of `passport-flow.ts` on Fastify 5 with @fastify/passport, as its README
 * builds it (with sess in place of @fastify/secure-session or @fastify/session).
 */
export const passportFastifyApp: StartPassportApp = async (store, extra) => {
  const passport = new Authenticator();
  passport.use(
    'local',
    new LocalStrategy((username, password, done) =>
      done(null, password === PASSWORD ? { id: username } : false),
    ),
  );
  passport.registerUserSerializer(async (user: { id: string }) => user.id);
  passport.registerUserDeserializer(async (id: string) => ({ id }));

  const app = Fastify();
  await app.register(formbody);
  await app.register(sessPlugin, {
    store,
    secrets: SECRET,
    principalFrom: passportPrincipal(),
    ...extra,
  });
  await app.register(passport.initialize());
  await app.register(passport.secureSession());
  app.get('/me', async (request) => ({
    user: request.user?.id ?? null,
    cart: request.session.get('cart') ?? null,
  }));
  app.post('/cart', async (request) => {
    request.session.set('cart', (request.body as { item: string }).item);
    return { ok: true };
  });
  app.post(
    '/login',
    {
      preValidation: (request, reply) =>
        passport
          .authenticate('local', {
            keepSessionInfo: (request.query as { keep?: string }).keep === '1',
          })
          .call(app, request, reply),
    },
    async (request) => ({ user: request.user?.id }),
  );
  app.post('/logout', async (request) => {
    await request.logOut();
    return { ok: true };
  });
  app.post('/remember', async (request) => {
    request.session.cookie.maxAge = THIRTY_DAYS;
    return { ok: true };
  });
  app.post('/revoke-everywhere', async (request) => ({
    ended: await request.session.revokeEverywhere(),
  }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
};
