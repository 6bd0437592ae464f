/** The Passport stacks' ceiling: Express with no sessions (and so no Passport login). */
export { start } from './express-bare.js';
