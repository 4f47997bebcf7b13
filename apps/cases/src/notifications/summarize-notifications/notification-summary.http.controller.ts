import { AreaScopes, CurrentPrincipal, Principal, Roles, ServiceClock } from '@ct/platform';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotificationSummaryStore } from './summary-store';

/** The period the summary covers. */
const PERIOD_MS = 3_600_000;
/** Most failures listed (newest first). */
const FAILURES_MAX = 20;

@ApiTags('notifications')
@Controller('notifications')
export class NotificationSummaryHttpController {
  constructor(
    private readonly store: NotificationSummaryStore,
    private readonly scopes: AreaScopes,
    private readonly clock: ServiceClock,
  ) {}

  @Get('summary')
  // Ops (monitoring, all areas, no person ids) and tracers (their areas' people, with person ids).
  @Roles('ops', 'tracer')
  @ApiOperation({
    summary:
      "The last hour's notification figures per channel (sent, failed; now retrying, pending) and the latest failures",
    description:
      'For the dashboard. Failures carry the template, channel, reason and attempts, never a phone number, e-mail address or text; `personId` only for tracers. A tracer sees the people of their areas; ops every area.',
  })
  async summary(@CurrentPrincipal() who: Principal) {
    const to = this.clock.now();
    const from = new Date(to.getTime() - PERIOD_MS);
    const scope = this.scopes.of(who, { unscoped: ['ops'] });
    const withPerson = who.roles.includes('tracer') || who.roles.includes('admin');
    const [channels, failures] = await Promise.all([
      this.store.figures(from, scope),
      this.store.failures(from, scope, FAILURES_MAX, withPerson),
    ]);
    return { from: from.toISOString(), to: to.toISOString(), channels, failures };
  }
}
