// Type tests, checked by `npm run typecheck` (tsc over test/, not run by vitest): the
// `SessionData` an app declares once in `@sess/core` types `request.session` in Fastify, in a
// route's handler and in a hook. Each `@ts-expect-error` line must be an error, else tsc
// reports the unused directive and the typecheck fails. Checked both ways: with
// `typedVisits: string` in the declaration below, the `toEqualTypeOf` line and the string
// assignment fail; with `session: any` in the plugin's `FastifyRequest` declaration, every
// `@ts-expect-error` line is reported unused.
import Fastify, { type FastifyRequest } from 'fastify';
import { expectTypeOf } from 'vitest';
import '../src/index.js';

declare module '@sess/core' {
  interface SessionData {
    typedVisits: number;
    typedProfile: { name: string; roles: string[] };
  }
}

export function declaredAttributes(request: FastifyRequest): void {
  expectTypeOf(request.session.typedVisits).toEqualTypeOf<number | undefined>();
  expectTypeOf(request.session.typedProfile).toEqualTypeOf<
    { name: string; roles: string[] } | undefined
  >();
  request.session.typedVisits = (request.session.typedVisits ?? 0) + 1;
  request.session.typedProfile = { name: 'alice', roles: ['admin'] };
  delete request.session.typedVisits;
  expectTypeOf(request.session.principal).toEqualTypeOf<string | undefined>();
}

export function inARoute(): void {
  const app = Fastify();
  app.get('/', async (request) => {
    expectTypeOf(request.session.typedVisits).toEqualTypeOf<number | undefined>();
    // @ts-expect-error a number attribute takes no string
    request.session.typedVisits = 'many';
    return { visits: request.session.typedVisits ?? 0 };
  });
}

export function violations(request: FastifyRequest): void {
  // @ts-expect-error a number attribute takes no string
  request.session.typedVisits = 'many';
  // @ts-expect-error the roles are strings
  request.session.typedProfile = { name: 'alice', roles: [1] };
  // @ts-expect-error an attribute SessionData does not declare
  request.session.undeclared = true;
  // @ts-expect-error nor can it be read
  expectTypeOf(request.session.undeclared).toBeUnknown();
  // @ts-expect-error the session's facts are read-only
  request.session.principal = 'mallory';
}
