import { passportFastifyApp } from './passport-fastify-app.js';
import { passportFlow } from './passport-flow.js';

passportFlow('Fastify 5 (@fastify/passport)', passportFastifyApp, { loginClearsData: true });
