import type { IncomingHttpHeaders } from 'node:http';
import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import { isCrossOriginPost } from '@sess/example-shared';

/** A form post from another origin, refused (403) before any handler runs. */
export class CrossOriginPostRefused extends ForbiddenException {}

/**
 * Refuses form posts from other origins. `SameSite=Lax` keeps the cookie off cross-site posts,
 * but a forged sign-in needs no cookie (see `isCrossOriginPost`). Guards run after middleware,
 * so on Nest a refused post with a cookie has had its session loaded: one read, nothing written.
 */
@Injectable()
export class SameOriginPostGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<{ method?: string; headers: IncomingHttpHeaders }>();
    if (isCrossOriginPost(request.method, request.headers.origin, request.headers.host)) {
      throw new CrossOriginPostRefused();
    }
    return true;
  }
}
