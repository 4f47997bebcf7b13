import { Roles } from '@ct/platform';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { Response } from 'express';
import { RuntimeGauges } from './runtime-gauges';
import { ServiceMetrics } from './service-metrics';

@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: ServiceMetrics,
    _gauges: RuntimeGauges,
  ) {}

  /** Prometheus scrape endpoint, per service port; not in OpenAPI, so the edge does not route it. */
  @Get()
  @Roles('ops')
  @ApiExcludeEndpoint()
  async scrape(@Res() res: Response): Promise<void> {
    res.setHeader('content-type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}
