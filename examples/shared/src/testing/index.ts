export { CookieClient, type Reply, textOf } from './cookie-client.js';
export { describeExampleApp } from './example-app-suite.js';
export { type RunningExample, startExample } from './start-example.js';
