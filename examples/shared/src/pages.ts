import type { SessionSummary } from '@sess/core';
import { deviceName } from './device-name.js';
import { Html, html } from './html.js';
import { MAX_NAME_LENGTH } from './sign-in-name.js';

/** What every page shows around its content. */
export interface PageContext {
  /** The web framework this example runs on, for the title. */
  readonly framework: string;
  /** Live sessions in the store (`store.count()`), all users together; unknown on error pages. */
  readonly activeSessions?: number | undefined;
}

/**
 * Headers every page is sent with: pages are per user (never cached), carry no script at all
 * and post forms only to this origin.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  // Not 'no-referrer': browsers then send `Origin: null` even on same-origin posts.
  'Referrer-Policy': 'same-origin',
};

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #ddd; }
  tr.current { font-weight: bold; }
  form.inline { display: inline; }
  footer { margin-top: 2rem; color: #666; font-size: .9rem; }
  .error { color: #b00020; }
`;

function layout(context: PageContext, title: string, content: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · sess on ${context.framework}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<h1>${title}</h1>
${content}
<footer>sess on ${context.framework}${
    context.activeSessions === undefined
      ? ''
      : html` · active sessions on this server: <span id="active-sessions">${context.activeSessions}</span>`
  }</footer>
</body>
</html>
`.toString();
}

function time(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The form a visitor without a session sees. Anonymous visits create no session at all. */
export function signInPage(context: PageContext, error?: string): string {
  return layout(
    context,
    'Sign in',
    html`${error === undefined ? '' : html`<p class="error" role="alert">${error}</p>`}
<form method="post" action="/sign-in">
  <label>Your name <input name="name" required maxlength="${MAX_NAME_LENGTH}" autocomplete="username" autofocus></label>
  <button type="submit">Sign in</button>
</form>
<p>No password: anyone who types the same name shares that user's session list.</p>`,
  );
}

/** The signed-in home page; each load of it counts one more in the session. */
export function homePage(context: PageContext, name: string, counter: number): string {
  return layout(
    context,
    `Hello, ${name}`,
    html`<p>You loaded this page <strong id="counter">${counter}</strong> ${counter === 1 ? 'time' : 'times'} in this session.</p>
<p><a href="/sessions">Your devices</a></p>
<form method="post" action="/sign-out"><button type="submit">Sign out</button></form>`,
  );
}

/**
 * "Your devices": every live session of the signed-in user, the current one marked, each other
 * one with a button that ends it. A session is named by its handle from `listSessions()`, never
 * by its id: anyone who saw an id in this page could use the session.
 */
export function sessionsPage(
  context: PageContext,
  name: string,
  sessions: readonly SessionSummary[],
): string {
  const rows = sessions.map(
    (s) => html`<tr class="${s.current ? 'current' : ''}">
  <td><span class="device">${deviceName(s.userAgent)}</span>${s.current ? ' (this device)' : ''}${
    s.address === undefined ? '' : html`<br><small>from ${s.address}</small>`
  }</td>
  <td>${time(s.createdAt)}</td><td>${time(s.lastAccessAt)}</td><td>${time(s.expiresAt)}</td>
  <td>${
    s.current
      ? ''
      : html`<form class="inline" method="post" action="/sessions/revoke"><input type="hidden" name="handle" value="${s.handle}"><button type="submit">Revoke</button></form>`
  }</td>
</tr>`,
  );
  return layout(
    context,
    `Devices of ${name}`,
    html`<p><span id="session-count">${sessions.length}</span> live ${sessions.length === 1 ? 'session' : 'sessions'}.</p>
<table>
<thead><tr><th>Device</th><th>Signed in</th><th>Last active</th><th>Expires</th><th></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<div>
<form class="inline" method="post" action="/sign-out-everywhere"><button type="submit">Sign out everywhere</button></form>
<form class="inline" method="post" action="/sign-out"><button type="submit">Sign out</button></form>
</div>
<p><a href="/">Home</a></p>`,
  );
}

/** What a failed request shows, e.g. 503 while Redis is down. */
export function errorPage(framework: string, status: number, message: string): string {
  return layout(
    { framework },
    status === 503 ? 'Sessions are unavailable' : 'Something went wrong',
    html`<p class="error">${message}</p><p><a href="/">Try again</a></p>`,
  );
}
