import { describeExampleApp } from '@sess/example-shared/testing';
import { createApp } from '../src/app.js';

describeExampleApp('Fastify', createApp);
