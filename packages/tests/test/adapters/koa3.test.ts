import Koa from 'koa';
import { adapterSuite } from './adapter-suite.js';
import { koaApp } from './koa-app.js';

adapterSuite('Koa 3', koaApp(Koa));
