import Koa2 from 'koa2';
import { adapterSuite } from './adapter-suite.js';
import { koaApp } from './koa-app.js';

adapterSuite('Koa 2', koaApp(Koa2));
