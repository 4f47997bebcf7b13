import { KafkaHealth } from '@ct/messaging';
import { Public } from '@ct/platform';
import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { SERVICE_NAME } from './tokens';

interface Check { status: 'up' | 'down'; latencyMs: number; error?: string; detail?: unknown }

async function timed(fn: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  try {
    const detail = await fn();
    return { status: 'up', latencyMs: Math.round(performance.now() - started), detail };
  } catch (err) {
    return { status: 'down', latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
  }
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly ds: DataSource,
    private readonly kafka: KafkaHealth,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Database and Kafka reachability; 503 when either is down' })
  async health(@Res({ passthrough: true }) res: Response) {
    const [database, kafka] = await Promise.all([timed(() => this.ds.query('SELECT 1')), timed(() => this.kafka.check())]);
    const ok = database.status === 'up' && kafka.status === 'up';
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'degraded', service: this.service, checks: { database, kafka } };
  }
}
