import express from 'express';
import { adapterSuite } from './adapter-suite.js';
import { expressApp } from './express-app.js';

adapterSuite('Express 5', expressApp(express));
