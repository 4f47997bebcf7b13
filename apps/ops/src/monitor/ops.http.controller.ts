import { CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DlqRetentionJob } from './dlq-retention.job';
import { DlqService } from './dlq.service';
import { MONITORED_TOPICS, TopicMonitor } from './topic-monitor.service';
import { OpsErrors } from '../errors';

function limitOf(raw: string | undefined, def: number, max: number): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw OpsErrors.invalidLimit(max);
  return n;
}

@ApiTags('ops')
@Controller('ops')
export class OpsHttpController {
  constructor(
    private readonly monitor: TopicMonitor,
    private readonly dlq: DlqService,
    private readonly retention: DlqRetentionJob,
  ) {}

  @Get('topics')
  @Roles('ops')
  @ApiOperation({
    summary: 'Every topic and .dlq: message count, last-60-s rate, per-minute counts, counts by event type',
  })
  topics() {
    return { since: this.monitor.startedAt, topics: this.monitor.topics() };
  }

  @Get('topics/:name/events')
  @Roles('ops')
  @ApiQuery({ name: 'limit', required: false })
  @ApiOperation({ summary: 'The latest events of a topic (newest first), payload and headers' })
  events(@Param('name') name: string, @Query('limit') limit?: string) {
    const events = this.monitor.events(name, limitOf(limit, 50, 10000));
    if (!events) throw OpsErrors.unknownTopic(name, MONITORED_TOPICS);
    return { topic: name, events };
  }

  @Get('dlq')
  @Roles('ops')
  @ApiQuery({ name: 'topic', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({
    name: 'before',
    required: false,
    description: 'an id: the page of dead letters older than it (`next` of the previous page)',
  })
  @ApiQuery({ name: 'group', required: false, description: 'a group key from GET /ops/dlq/groups' })
  @ApiOperation({ summary: 'Dead-lettered events with their reason, newest first (numeric id order), paginated' })
  async list(
    @Query('topic') topic?: string,
    @Query('limit') limit?: string,
    @Query('before') before?: string,
    @Query('group') group?: string,
  ) {
    const n = limitOf(limit, 100, 1000);
    const entries = await this.dlq.list({ topic, limit: n, before, group });
    return { entries, next: entries.length === n ? entries[entries.length - 1].id : null };
  }

  @Get('dlq/groups')
  @Roles('ops')
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOperation({
    summary: 'Dead letters grouped by original topic, failing group and reason, with counts; newest group first',
  })
  groups(@Query('limit') limit?: string, @Query('offset') offset?: string) {
    const o = offset === undefined ? 0 : Number(offset);
    if (!Number.isInteger(o) || o < 0) throw OpsErrors.invalidOffset();
    return this.dlq.groups({ limit: limitOf(limit, 20, 500), offset: o });
  }

  @Post('dlq/groups/:key/replay')
  @HttpCode(200)
  @Roles('ops')
  @ApiOperation({ summary: 'Re-publish every not yet replayed dead letter of a group, oldest first; each audited' })
  replayGroup(@Param('key') key: string, @CurrentPrincipal() who: Principal) {
    return this.dlq.replayGroup(key, who.subject);
  }

  @Post('dlq/retention-pass')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Remove now the payload of dead letters older than OPS_DLQ_PAYLOAD_RETENTION_DAYS (what the periodic pass does)',
  })
  retentionPass() {
    return this.retention.pass();
  }

  @Get('dlq/:id')
  @Roles('ops')
  @ApiOperation({ summary: 'One dead letter with its replay history' })
  get(@Param('id') id: string) {
    return this.dlq.get(id);
  }

  @Post('dlq/:id/replay')
  @HttpCode(200)
  @Roles('ops')
  @ApiOperation({ summary: 'Re-publish a dead letter (original value and headers) to its original topic; audited' })
  replay(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    return this.dlq.replay(id, who.subject);
  }

  @Get('lag')
  @Roles('ops')
  @ApiOperation({ summary: "Consumer-group lag of every service's group, from Kafka's admin API" })
  async lag() {
    return { groups: await this.monitor.lag() };
  }
}
