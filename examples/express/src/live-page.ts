import { LIVE_CLOSE_CODE } from '@sess/live';

/** Where the live page's WebSocket connects. */
export const LIVE_SOCKET_PATH = '/live/socket';

/**
 * Headers of the live page: unlike the other pages it runs a script, its own and no other, and
 * connects back to this origin only.
 */
export const LIVE_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

/**
 * The live page: a WebSocket to this server that says who it belongs to, and what ended it.
 * Static: the name comes through the socket and is shown with `textContent`, never as markup.
 */
export const LIVE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Live connection · sess on Express</title>
<style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }</style>
</head>
<body>
<h1>Live connection</h1>
<p id="live-status">Connecting…</p>
<p><button id="hello" type="button">Say hello</button> <span id="reply"></span></p>
<p>Sign out everywhere from another browser: this page learns of it at once, on whichever
server instance it is connected to. Each hello counts as activity and keeps the session alive.</p>
<p><a href="/sessions">Your sessions</a> · <a href="/">Home</a></p>
<script src="/live.js"></script>
</body>
</html>
`;

/** The live page's script. */
export const LIVE_SCRIPT = `'use strict';
const status = document.getElementById('live-status');
const reply = document.getElementById('reply');
const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
const socket = new WebSocket(scheme + '//' + location.host + '${LIVE_SOCKET_PATH}');
socket.addEventListener('message', (event) => {
  const message = JSON.parse(event.data);
  status.textContent = 'Connected as ' + message.principal + '.';
  reply.textContent = message.greeting;
});
socket.addEventListener('close', (event) => {
  status.dataset.code = String(event.code);
  status.dataset.reason = event.reason;
  status.textContent =
    event.code === ${LIVE_CLOSE_CODE}
      ? 'Your session ended (' + event.reason + '). Sign in again.'
      : 'Disconnected (' + event.code + ').';
});
document.getElementById('hello').addEventListener('click', () => socket.send('hello'));
`;
