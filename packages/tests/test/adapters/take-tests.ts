import { describe, expect, it } from 'vitest';
import { bodyOf, cookieOf, request, type SuiteContext } from './suite-context.js';

const TRIALS = 50;
const TAKERS = 50;

/** `session.take(name)` over HTTP: the adapter under test, a real Redis. */
export function takeTests(ctx: SuiteContext): void {
  describe('read-once values', () => {
    it(`${TAKERS} concurrent requests take one value: exactly one gets it (${TRIALS} trials)`, async () => {
      const running = await ctx.app(
        {},
        {
          '/take': async (session, query) => ({
            value: (await session.take(query.get('name') ?? '')) ?? null,
          }),
        },
      );
      const cookie = cookieOf(await request(running, '/write?start=1'));
      for (let trial = 0; trial < TRIALS; trial++) {
        const value = `state-${trial}`;
        expect((await request(running, `/write?state=${value}`, { cookie })).status).toBe(200);
        const responses = await Promise.all(
          Array.from({ length: TAKERS }, () => request(running, '/take?name=state', { cookie })),
        );
        expect(responses.map((response) => response.status)).toEqual(Array(TAKERS).fill(200));
        const values = await Promise.all(responses.map(bodyOf));
        const winners = values.filter((body) => body.value !== null);
        expect(winners, `trial ${trial}`).toEqual([{ value }]);
        for (const response of responses) expect(response.headers.getSetCookie()).toEqual([]);
      }
      // Taken means gone: the session keeps its other attributes and nothing else.
      const { data } = await bodyOf(await request(running, '/read', { cookie }));
      expect(data).toEqual({ start: '1' });
    }, 60_000);

    it('a flash message shown once: set before a redirect, taken by the page after it', async () => {
      const running = await ctx.app(
        { token: true },
        {
          '/save': (session) => {
            (session as unknown as Record<string, unknown>).flash = { notice: 'Saved.' };
            return { saved: true };
          },
          '/page': async (session) => ({ flash: (await session.take('flash')) ?? null }),
        },
      );
      const token = (await request(running, '/save', { 'x-session-token': '' })).headers.get(
        'x-session-token',
      ) as string;
      ctx.port.reset();
      const shown = await bodyOf(await request(running, '/page', { 'x-session-token': token }));
      expect(shown).toEqual({ flash: { notice: 'Saved.' } });
      expect(ctx.port.roundTrips).toBe(2); // the load, the take
      const again = await bodyOf(await request(running, '/page', { 'x-session-token': token }));
      expect(again).toEqual({ flash: null });
    });
  });
}
