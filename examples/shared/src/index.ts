// Types `session.counter` for every app that imports this package.
import './session-data.js';

export type { AppOptions } from './app-options.js';
export { type ExampleServer, httpServer, type ServeExample } from './example-server.js';
export { describeFailure, type Failure } from './failure.js';
export { type OpenedStore, openSessionStore } from './open-session-store.js';
export {
  errorPage,
  homePage,
  PAGE_HEADERS,
  type PageContext,
  sessionsPage,
  signInPage,
} from './pages.js';
export { runExample } from './run-example.js';
export { isCrossOriginPost } from './same-origin.js';
export { MAX_NAME_LENGTH, parseSignInName } from './sign-in-name.js';
