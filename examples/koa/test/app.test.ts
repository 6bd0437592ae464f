import { httpServer } from '@sess/example-shared';
import { describeExampleApp } from '@sess/example-shared/testing';
import { createApp } from '../src/app.js';

describeExampleApp('Koa', (options) => httpServer(createApp(options).callback()));
