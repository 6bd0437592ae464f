import { Controller, Get, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { scrapeMetrics } from '@sess/prometheus';

/** For Prometheus (@sess/prometheus; the store reports to it when given `observer: sessMetrics()`). */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  @Get()
  async scrape(@Res({ passthrough: true }) response: unknown): Promise<string> {
    const { contentType, body } = await scrapeMetrics();
    this.adapterHost.httpAdapter.setHeader(response, 'Content-Type', contentType);
    return body;
  }
}
