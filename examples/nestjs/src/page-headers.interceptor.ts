import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PAGE_HEADERS } from '@sess/example-shared';
import type { Observable } from 'rxjs';

/** Sends `PAGE_HEADERS` with every page of a controller, on either platform. */
@Injectable()
export class PageHeaders implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response: unknown = context.switchToHttp().getResponse();
    for (const [name, value] of Object.entries(PAGE_HEADERS)) {
      this.adapterHost.httpAdapter.setHeader(response, name, value);
    }
    return next.handle();
  }
}
