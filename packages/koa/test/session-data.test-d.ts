// Type tests, checked by `npm run typecheck` (tsc over test/, not run by vitest): the
// `SessionData` an app declares once in `@sess/core` types `ctx.session` in Koa, in a
// middleware and on a plain `Context`. Each `@ts-expect-error` line must be an error, else tsc
// reports the unused directive and the typecheck fails. Checked both ways: with
// `typedVisits: string` in the declaration below, the `toEqualTypeOf` line and the string
// assignment fail; with `session: any` in the adapter's `DefaultContext` declaration, every
// `@ts-expect-error` line is reported unused.
import Koa, { type Context } from 'koa';
import { expectTypeOf } from 'vitest';
import '../src/index.js';

declare module '@sess/core' {
  interface SessionData {
    typedVisits: number;
    typedProfile: { name: string; roles: string[] };
  }
}

export function declaredAttributes(ctx: Context): void {
  expectTypeOf(ctx.session.typedVisits).toEqualTypeOf<number | undefined>();
  expectTypeOf(ctx.session.typedProfile).toEqualTypeOf<
    { name: string; roles: string[] } | undefined
  >();
  ctx.session.typedVisits = (ctx.session.typedVisits ?? 0) + 1;
  ctx.session.typedProfile = { name: 'alice', roles: ['admin'] };
  delete ctx.session.typedVisits;
  expectTypeOf(ctx.session.principal).toEqualTypeOf<string | undefined>();
}

export function inAMiddleware(): void {
  const app = new Koa();
  app.use(async (ctx) => {
    expectTypeOf(ctx.session.typedVisits).toEqualTypeOf<number | undefined>();
    // @ts-expect-error a number attribute takes no string
    ctx.session.typedVisits = 'many';
    ctx.body = { visits: ctx.session.typedVisits ?? 0 };
  });
}

export function violations(ctx: Context): void {
  // @ts-expect-error a number attribute takes no string
  ctx.session.typedVisits = 'many';
  // @ts-expect-error the roles are strings
  ctx.session.typedProfile = { name: 'alice', roles: [1] };
  // @ts-expect-error an attribute SessionData does not declare
  ctx.session.undeclared = true;
  // @ts-expect-error nor can it be read
  expectTypeOf(ctx.session.undeclared).toBeUnknown();
  // @ts-expect-error the session's facts are read-only
  ctx.session.principal = 'mallory';
}
