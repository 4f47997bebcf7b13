import { IsCalendarDate } from '@ct/contracts';
import { CurrentPrincipal, MAX_PAGE, Principal, Roles, ServiceClock } from '@ct/platform';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { localDay } from '../../quarantines/domain/policy';
import { QuarantineAreas } from '../../quarantines/infrastructure/quarantine-areas';
import { CARE_POLICY } from '../care.tokens';
import { CarePolicy } from '../domain/care-policy';
import { FollowUpStore } from '../infrastructure/follow-up.store';

export const FOLLOW_UP_PAGE_MAX = 5000;
const LIST_STATUSES = ['DUE', 'DONE', 'UNREACHABLE'] as const;

export class FollowUpsQuery {
  @ApiPropertyOptional({
    description: 'Day the follow-ups are due (local calendar day); default today',
    example: '2021-11-27',
  })
  @IsOptional()
  @IsCalendarDate()
  due?: string;

  @ApiPropertyOptional({ description: 'Area code' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  area?: string;

  @ApiPropertyOptional({ enum: LIST_STATUSES })
  @IsOptional()
  @IsIn(LIST_STATUSES)
  status?: (typeof LIST_STATUSES)[number];

  @ApiPropertyOptional({ default: 1, maximum: MAX_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ default: FOLLOW_UP_PAGE_MAX, maximum: FOLLOW_UP_PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(FOLLOW_UP_PAGE_MAX)
  limit?: number;
}

@ApiTags('care')
@Controller('follow-ups')
export class ListFollowUpsHttpController {
  constructor(
    private readonly store: FollowUpStore,
    private readonly areas: QuarantineAreas,
    private readonly clock: ServiceClock,
    @Inject(CARE_POLICY) private readonly policy: CarePolicy,
  ) {}

  @Get()
  @Roles('quarantine')
  @ApiOperation({
    summary:
      'Daily follow-up list of the caller’s areas: everyone under isolation, quarantine or watch due a check on a day, with their last completed day and lost-to-follow-up flag',
  })
  async list(@CurrentPrincipal() who: Principal, @Query() q: FollowUpsQuery) {
    const due = q.due ?? localDay(this.clock.now(), this.policy.utcOffsetMinutes);
    const page = q.page ?? 1;
    const limit = q.limit ?? FOLLOW_UP_PAGE_MAX;
    const { total, items } = await this.store.list({
      due,
      area: q.area ?? null,
      status: q.status ?? null,
      areas: this.areas.scope(who).codes(),
      limit,
      offset: (page - 1) * limit,
    });
    return { due, total, page, limit, truncated: (page - 1) * limit + items.length < total, items };
  }
}
