import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { AppOptions } from '@sess/example-shared';
import { SessModule } from '@sess/nestjs';
import { MetricsController } from './metrics.controller.js';
import { PageErrors } from './page-errors.filter.js';
import { PagesController } from './pages.controller.js';
import { SameOriginPostGuard } from './same-origin-post.guard.js';

@Module({
  controllers: [PagesController, MetricsController],
  providers: [
    { provide: APP_GUARD, useClass: SameOriginPostGuard },
    { provide: APP_FILTER, useClass: PageErrors },
  ],
})
export class AppModule {}

/**
 * The app on the store and secrets the example runner opened. The runner closes the store
 * itself after the app, hence `'leave-open'`; an app that makes its store for the module
 * leaves `onShutdown` at its default, which closes it.
 */
export function appModuleWith({ store, secrets }: AppOptions): DynamicModule {
  return {
    module: AppModule,
    imports: [SessModule.forRoot({ store, secrets, devices: true, onShutdown: 'leave-open' })],
  };
}
