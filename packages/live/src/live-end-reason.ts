/**
 * Why a live connection was closed by sess: its session was signed out or destroyed
 * (`destroyed`), revoked (`revokeEverywhere`, `revokePrincipal`, the principal limit:
 * `revoked`), expired and reported by the cleaner (`expired`), or signed in as another
 * principal (`principal-changed`). A WebSocket gets it as the close reason, a Socket.IO client
 * in the `sess:ended` event.
 */
export type LiveEndReason = 'destroyed' | 'revoked' | 'expired' | 'principal-changed';

/**
 * The WebSocket close code sess uses (from the range RFC 6455 leaves to applications), with the
 * `LiveEndReason` as the close reason. Chosen after HTTP 401: the client must authenticate
 * again before it reconnects.
 */
export const LIVE_CLOSE_CODE = 4401;
