import { adapterSuite } from './adapter-suite.js';
import { nestApp } from './nestjs-app.js';

adapterSuite('NestJS 12 on Fastify', nestApp('fastify'));
