import { describeExampleApp } from '@sess/example-shared/testing';
import { serveOn } from '../src/app.js';

describeExampleApp('NestJS-Express', serveOn('express'));
describeExampleApp('NestJS-Fastify', serveOn('fastify'));
