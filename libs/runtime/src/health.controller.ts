import { ConsumerStatus, KafkaHealth } from '@ct/messaging';
import { Public, Roles } from '@ct/platform';
import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { SERVICE_NAME } from './tokens';

interface Check {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
  detail?: unknown;
}

async function timed(fn: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  try {
    const detail = await fn();
    return { status: 'up', latencyMs: Math.round(performance.now() - started), detail };
  } catch (err) {
    return { status: 'down', latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
  }
}

/** What anyone may see of a check: up or down, nothing else (no host names, no error text). */
const statusOnly = (checks: Record<string, { status: 'up' | 'down' }>) =>
  Object.fromEntries(Object.entries(checks).map(([k, v]) => [k, { status: v.status }]));

/**
 * Liveness and readiness apart (ARCHITECTURE.md, "Failure policy"):
 * - GET /health/live: the process answers HTTP (it is not stuck); 200 as soon as it listens,
 *   which is before the consumer has joined its group;
 * - GET /health/ready: the database and Kafka answer and the consumer is in its group: 503 until then;
 * - GET /health: readiness, kept for compatibility (edge, `npm start`, benchmarks);
 * - GET /health/details (role ops): the same with latencies, errors and the consumer's state.
 * The public routes say up or down only.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly ds: DataSource,
    private readonly kafka: KafkaHealth,
    private readonly consumer: ConsumerStatus,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  private async checks() {
    const [database, kafka] = await Promise.all([
      timed(() => this.ds.query('SELECT 1')),
      timed(() => this.kafka.check()),
    ]);
    const c = this.consumer.describe();
    const consumer = { status: c.up ? ('up' as const) : ('down' as const), sinceMs: c.sinceMs, topics: c.topics };
    const ok = database.status === 'up' && kafka.status === 'up' && consumer.status === 'up';
    return { ok, checks: { database, kafka, consumer } };
  }

  @Public()
  @Get()
  @ApiOperation({ summary: 'Readiness (database, Kafka, consumer in its group), up or down only; 503 when not ready' })
  async health(@Res({ passthrough: true }) res: Response) {
    return this.ready(res);
  }

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process answers HTTP' })
  live() {
    return { status: 'ok', service: this.service };
  }

  @Public()
  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: 200 once the database and Kafka answer and the consumer has joined its group, else 503',
  })
  async ready(@Res({ passthrough: true }) res: Response) {
    const { ok, checks } = await this.checks();
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'degraded', service: this.service, checks: statusOnly(checks) };
  }

  @Roles('ops')
  @Get('details')
  @ApiOperation({ summary: 'Readiness with latencies, errors and the consumer state (role ops)' })
  async details(@Res({ passthrough: true }) res: Response) {
    const { ok, checks } = await this.checks();
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'degraded', service: this.service, checks };
  }
}
