import { createServer } from 'node:http';
import { session } from '@sess/express';
import type { Express, NextFunction, Request, Response } from 'express';
import type { StartApp } from './adapter-suite.js';
import { listening } from './http-server.js';

/** The suite's app on an Express application (4 or 5: the same code runs on both). */
export function expressApp(express: () => Express): StartApp {
  return async (options, routes) => {
    const app = express();
    app.use(session(options));
    for (const [path, route] of Object.entries(routes)) {
      app.all(path, (req: Request, res: Response, next: NextFunction) => {
        const query = new URL(req.url, 'http://localhost').searchParams;
        // Express 4 does not catch rejected promises: hand errors to `next` ourselves.
        Promise.resolve()
          .then(() => route(req.session, query))
          .then((body) => res.json(body), next);
      });
    }
    return listening(createServer(app));
  };
}
