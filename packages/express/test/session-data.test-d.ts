// Type tests, checked by `npm run typecheck` (tsc over test/, not run by vitest): the
// `SessionData` an app declares once in `@sess/core` types `req.session` in Express. Each
// `@ts-expect-error` line must be an error, else tsc reports the unused directive and the
// typecheck fails. Checked both ways: with `typedVisits: string` in the declaration below, the
// `toEqualTypeOf` line and the string assignment fail; with `session: any` in the middleware's
// `Express.Request` declaration, every `@ts-expect-error` line is reported unused.
import type { Request } from 'express';
import { expectTypeOf } from 'vitest';
import '../src/index.js';

declare module '@sess/core' {
  interface SessionData {
    typedVisits: number;
    typedProfile: { name: string; roles: string[] };
  }
}

export function declaredAttributes(req: Request): void {
  expectTypeOf(req.session.typedVisits).toEqualTypeOf<number | undefined>();
  expectTypeOf(req.session.typedProfile).toEqualTypeOf<
    { name: string; roles: string[] } | undefined
  >();
  req.session.typedVisits = (req.session.typedVisits ?? 0) + 1;
  req.session.typedProfile = { name: 'alice', roles: ['admin'] };
  delete req.session.typedVisits;
  expectTypeOf(req.session.principal).toEqualTypeOf<string | undefined>();
  expectTypeOf(req.session.signIn).parameter(0).toEqualTypeOf<string>();
}

export function violations(req: Request): void {
  // @ts-expect-error a number attribute takes no string
  req.session.typedVisits = 'many';
  // @ts-expect-error the roles are strings
  req.session.typedProfile = { name: 'alice', roles: [1] };
  // @ts-expect-error an attribute SessionData does not declare
  req.session.undeclared = true;
  // @ts-expect-error nor can it be read
  expectTypeOf(req.session.undeclared).toBeUnknown();
  // @ts-expect-error the session's facts are read-only
  req.session.principal = 'mallory';
}
