import fastifyCookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { Authenticator } from '@fastify/passport';
import fastifySession from '@fastify/session';
import { RedisStore } from 'connect-redis';
import Fastify from 'fastify';
import { Strategy as LocalStrategy } from 'passport-local';
import { createClient } from 'redis';
import { OLD_MAX_AGE, OLD_PASSWORD, OLD_SECRET, type StartLegacyApp } from './legacy-app.js';

declare module 'fastify' {
  interface PassportUser {
    id: string;
  }
}

/** @fastify/session + @fastify/cookie + connect-redis + @fastify/passport, as their READMEs set them up. */
export const start: StartLegacyApp = async (redisUrl) => {
  const client = createClient({ url: redisUrl });
  client.on('error', () => {});
  await client.connect();
  const passport = new Authenticator();
  passport.use(
    'local',
    new LocalStrategy((username, password, done) =>
      done(null, password === OLD_PASSWORD ? { id: username } : false),
    ),
  );
  passport.registerUserSerializer(async (user: { id: string }) => user.id);
  passport.registerUserDeserializer(async (id: string) => ({ id }));
  const app = Fastify();
  await app.register(formbody);
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: OLD_SECRET,
    store: new RedisStore({ client }),
    saveUninitialized: false,
    cookie: { maxAge: OLD_MAX_AGE, secure: 'auto', httpOnly: true, sameSite: 'lax' },
  });
  await app.register(passport.initialize());
  await app.register(passport.secureSession());
  app.get('/me', async (request) => ({
    user: request.user?.id ?? null,
    cart: (request.session.get('cart') as string | undefined) ?? null,
  }));
  app.post('/cart', async (request) => {
    request.session.set('cart', (request.body as { item: string }).item);
    return { ok: true };
  });
  app.post('/login', { preValidation: passport.authenticate('local') }, async (request) => ({
    user: request.user?.id,
  }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
      await client.close();
    },
  };
};
