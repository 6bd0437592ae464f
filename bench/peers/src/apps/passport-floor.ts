/** The Passport stacks' floor: Express with one HGETALL per read and nothing else. */
export { start } from './express-floor.js';
