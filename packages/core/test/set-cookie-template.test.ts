import { type SetCookie, stringifySetCookie } from 'cookie';
import { describe, expect, it } from 'vitest';
import { SetCookieTemplate } from '../src/set-cookie-template.js';

const VALUE = `hWlT3pQ9sY0k3mR7vX2bN5cF8gJ1dL4aZ6eH0iK9oU2.${'A'.repeat(43)}`;

const shapes: SetCookie[] = [
  { name: 'sess', value: '', path: '/', httpOnly: true, sameSite: 'lax' },
  { name: '__Host-sess', value: '', path: '/', httpOnly: true, secure: true, sameSite: 'strict' },
  { name: 'sid', value: '', domain: 'example.com', path: '/app', secure: true, sameSite: 'none' },
  {
    name: 's',
    value: '',
    path: '/Expires=x',
    httpOnly: false,
    partitioned: true,
    priority: 'high',
  },
];

describe('SetCookieTemplate', () => {
  it.each(shapes.map((shape) => [shape.name, shape] as const))(
    'writes byte for byte what cookie writes (%s)',
    (_, shape) => {
      const template = new SetCookieTemplate(shape);
      const encode = { encode: (text: string) => text };
      for (const expiresAt of [0, 1_796_161_766_365, 1_796_161_766_999, 1_796_161_767_000]) {
        for (const maxAge of [0, 59, 86_400]) {
          expect(template.render(VALUE, { maxAge, expiresAt })).toBe(
            stringifySetCookie(
              { ...shape, value: VALUE, maxAge, expires: new Date(expiresAt) },
              encode,
            ),
          );
        }
      }
      expect(template.render(VALUE)).toBe(stringifySetCookie({ ...shape, value: VALUE }, encode));
    },
  );
});
