import express4 from 'express4';
import { adapterSuite } from './adapter-suite.js';
import { expressApp } from './express-app.js';

adapterSuite('Express 4', expressApp(express4));
