import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { sessionOf } from './request-session.js';

/**
 * Lets a request through only when its session has a principal (someone signed in with
 * `session.signIn`); otherwise Nest answers 401 (`UnauthorizedException`).
 * `@UseGuards(SignedInGuard)` on a controller or a route.
 */
@Injectable()
export class SignedInGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (sessionOf(context, 'SignedInGuard').principal !== undefined) return true;
    throw new UnauthorizedException();
  }
}
