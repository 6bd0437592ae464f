import express from 'express';
import express4 from 'express4';
import { passportExpressApp } from './passport-express-app.js';
import { passportFlow } from './passport-flow.js';

passportFlow('Express 5', passportExpressApp(express), { loginClearsData: true });
passportFlow('Express 4', passportExpressApp(express4), { loginClearsData: true });
