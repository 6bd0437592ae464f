import { describe, expect, it } from 'vitest';
import type { RunningApp } from './adapter-suite.js';
import { bodyOf, cookieOf, request, type SuiteContext } from './suite-context.js';

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile';
const LAPTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0.0.0 Safari/537.36';

interface Device {
  handle: string;
  current: boolean;
  createdAt: number;
  lastAccessAt: number;
  expiresAt: number;
  userAgent?: string;
  address?: string;
}

/** A "your devices" page over HTTP: the adapter under test, a real Redis. */
export function deviceTests(ctx: SuiteContext): void {
  describe('a devices page', () => {
    async function devicesApp(): Promise<RunningApp> {
      return ctx.app(
        // Behind one proxy, which appends the client's address to X-Forwarded-For.
        { devices: true, trustProxy: 1 },
        {
          '/devices': async (session) => ({ devices: await session.listSessions() }),
          '/revoke': async (session, query) => ({
            revoked: await session.revokeSession(query.get('handle') ?? ''),
          }),
        },
      );
    }

    async function signIn(
      running: RunningApp,
      user: string,
      userAgent: string,
      address: string,
    ): Promise<{ cookie: string; id: string }> {
      const headers = { 'user-agent': userAgent, 'x-forwarded-for': address };
      const cookie = cookieOf(await request(running, `/sign-in?user=${user}`, headers));
      const { id } = await bodyOf(await request(running, '/read', { cookie }));
      return { cookie, id: String(id) };
    }

    async function devicesOf(running: RunningApp, cookie: string) {
      const response = await request(running, '/devices', { cookie });
      const text = await response.text();
      return { text, devices: (JSON.parse(text) as { devices: Device[] }).devices };
    }

    it('lists your sessions with what their sign-ins recorded, and never their ids', async () => {
      const running = await devicesApp();
      const phone = await signIn(running, 'dora', PHONE, '198.51.100.23');
      const laptop = await signIn(running, 'dora', LAPTOP, '2001:db8:cafe:1::17');
      const { text, devices } = await devicesOf(running, laptop.cookie);
      expect(devices).toHaveLength(2);
      const current = devices.find((device) => device.current);
      const other = devices.find((device) => !device.current);
      expect(current).toMatchObject({ userAgent: LAPTOP, address: '2001:db8:cafe::/48' });
      expect(other).toMatchObject({ userAgent: PHONE, address: '198.51.100.0/24' });
      for (const device of devices) {
        expect(device.handle).toMatch(/^[A-Za-z0-9_-]{22}$/);
        expect(device.lastAccessAt).toBeGreaterThanOrEqual(device.createdAt);
        expect(device.expiresAt).toBeGreaterThan(Date.now());
      }
      for (const id of [phone.id, laptop.id]) {
        expect(text).not.toContain(id);
        expect(text).not.toContain(id.slice(0, 16));
      }
    });

    it("revoking one ends it; a handle of another user's session is refused", async () => {
      const running = await devicesApp();
      const phone = await signIn(running, 'ivo', PHONE, '203.0.113.5');
      const laptop = await signIn(running, 'ivo', LAPTOP, '203.0.113.6');
      const mallory = await signIn(running, 'mallory', LAPTOP, '192.0.2.66');
      const [malloryDevice] = (await devicesOf(running, mallory.cookie)).devices;
      const phoneDevice = (await devicesOf(running, laptop.cookie)).devices.find(
        (device) => !device.current,
      );

      // Ivo's session cannot end Mallory's, nor can Mallory's end Ivo's: the same answer as
      // for a handle that names nothing.
      const handles = [malloryDevice?.handle ?? '', 'A'.repeat(22), 'not even a handle'];
      for (const handle of handles) {
        const refused = await request(running, `/revoke?handle=${encodeURIComponent(handle)}`, {
          cookie: laptop.cookie,
        });
        expect(await bodyOf(refused)).toEqual({ revoked: false });
      }
      const reverse = await request(running, `/revoke?handle=${phoneDevice?.handle}`, {
        cookie: mallory.cookie,
      });
      expect(await bodyOf(reverse)).toEqual({ revoked: false });
      expect(
        (await bodyOf(await request(running, '/read', { cookie: mallory.cookie }))).principal,
      ).toBe('mallory');
      expect(
        (await bodyOf(await request(running, '/read', { cookie: phone.cookie }))).principal,
      ).toBe('ivo');

      const revoked = await request(running, `/revoke?handle=${phoneDevice?.handle}`, {
        cookie: laptop.cookie,
      });
      expect(await bodyOf(revoked)).toEqual({ revoked: true });
      expect(revoked.headers.getSetCookie()).toEqual([]); // the laptop's cookie stands
      expect(
        (await bodyOf(await request(running, '/read', { cookie: phone.cookie }))).id,
      ).toBeNull();
      const left = (await devicesOf(running, laptop.cookie)).devices;
      expect(left).toHaveLength(1);
      expect(left[0]?.current).toBe(true);
    });
  });
}
