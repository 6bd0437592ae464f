import Koa from 'koa';
import Koa2 from 'koa2';
import { passportFlow } from './passport-flow.js';
import { passportKoaApp } from './passport-koa-app.js';

// koa-session's regenerate keeps the data, and so does sess' on Koa: a koa-passport login
// keeps the cart.
passportFlow('Koa 3 (koa-passport)', passportKoaApp(Koa), { loginClearsData: false });
passportFlow('Koa 2 (koa-passport)', passportKoaApp(Koa2), { loginClearsData: false });
