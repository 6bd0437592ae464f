import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Session as RequestSession } from '@sess/core';
import { sessionOf } from './request-session.js';

/**
 * The session of the request, as a handler parameter: `@Session() session: Session`. Its data
 * is typed by declaration merging on `SessionData` of `@sess/core`; `principal`, `signIn`,
 * `signOut`, `revokeEverywhere`... are the session API. The value `Session` is this decorator;
 * the type `Session` is that of the session, so one import serves both.
 */
export const Session: () => ParameterDecorator = createParamDecorator(
  (_data: undefined, context: ExecutionContext): RequestSession => sessionOf(context, '@Session()'),
);

/** The session of a request (see `Session` in `@sess/core`). */
export type Session = RequestSession;
