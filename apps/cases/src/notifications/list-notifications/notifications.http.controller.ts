import { CurrentPrincipal, Principal, Roles, TransactionHost, ServiceClock } from '@ct/platform';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { AuditTrail } from '../../audit/infrastructure/audit-trail';
import { AreaAccess, personNotFound } from '../../shared/infrastructure/area-access';
import { Channel, CHANNELS } from '../domain/plan';
import { PersonStore } from '../../persons/infrastructure/person-store';
import { DeliveryStore } from '../infrastructure/delivery-store';
import { CasesErrors } from '../../errors';

/** Most notifications GET /persons/:id/notifications returns (newest first). */
const LIST_MAX = 500;

/** true = receive this channel, false = opted out; a channel not given keeps its setting. */
export class NotificationPreferencesRequest {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() sms?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() email?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() app?: boolean;
}

const KEY: Record<Channel, 'sms' | 'email' | 'app'> = { SMS: 'sms', EMAIL: 'email', APP: 'app' };

@ApiTags('notifications')
@Controller('persons')
export class NotificationsHttpController {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: DeliveryStore,
    private readonly persons: PersonStore,
    private readonly audit: AuditTrail,
    private readonly access: AreaAccess,
    private readonly clock: ServiceClock,
  ) {}

  @Get(':id/notifications')
  @Roles('tracer')
  @ApiOperation({
    summary: 'What the person was sent or will be sent: template, channel, when, delivery state (never the text)',
  })
  async list(@CurrentPrincipal() who: Principal, @Param('id') id: string) {
    await this.requirePerson(who, id);
    const items = await this.store.list(id, LIST_MAX + 1);
    return { items: items.slice(0, LIST_MAX), truncated: items.length > LIST_MAX };
  }

  @Get(':id/notification-preferences')
  @Roles('tracer')
  @ApiOperation({ summary: 'Which channels the person receives (true) or opted out of (false)' })
  async preferences(@CurrentPrincipal() who: Principal, @Param('id') id: string) {
    await this.requirePerson(who, id);
    return this.view(id, await this.store.optedOut(id));
  }

  @Put(':id/notification-preferences')
  @Roles('tracer')
  @ApiOperation({ summary: 'Opt a registered person out of (false) or back into (true) a channel; audited' })
  async setPreferences(
    @CurrentPrincipal() who: Principal,
    @Param('id') id: string,
    @Body() body: NotificationPreferencesRequest,
  ) {
    await this.requirePerson(who, id);
    return this.tx.run(async () => {
      if (!(await this.persons.lockRegistered(id))) throw CasesErrors.personNotFound(id);
      const receive = Object.fromEntries(CHANNELS.map((c) => [c, body[KEY[c]]]));
      await this.store.setPreferences(id, receive, this.clock.now());
      await this.audit.record(who, 'UPDATE', id, ['notificationPreferences']);
      return this.view(id, await this.store.optedOut(id));
    });
  }

  /** Another area's person reads as absent (the same 404 as an unknown id). */
  private async requirePerson(who: Principal, personId: string): Promise<void> {
    if (!(await this.access.coversPerson(who, personId))) throw personNotFound(personId);
  }

  private view(personId: string, optedOut: Channel[]) {
    return { personId, ...Object.fromEntries(CHANNELS.map((c) => [KEY[c], !optedOut.includes(c)])) };
  }
}
