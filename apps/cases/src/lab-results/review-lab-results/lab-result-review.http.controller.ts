import { CurrentPrincipal, Principal, Roles, UuidParam } from '@ct/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { LabResultReview } from './lab-result-review';
import { ResolveLabResultRequest } from './resolve-lab-result.request.dto';

class QueueQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

@ApiTags('lab-results')
@Controller('lab-results/unmatched')
export class LabResultReviewHttpController {
  constructor(private readonly review: LabResultReview) {}

  @Get()
  @Roles('tracer')
  @ApiOperation({
    summary: 'Lab results that matched nobody or several persons, oldest first, with what the lab sent (audited)',
  })
  list(@CurrentPrincipal() who: Principal, @Query() q: QueueQuery) {
    return this.review.list(who, q.page ?? 1, q.limit ?? 100);
  }

  @Post(':id')
  @HttpCode(200)
  @Roles('tracer')
  @ApiOperation({
    summary: 'Resolve a queued lab result: choose a personId or register the person; publishes LabResultMatched',
  })
  resolve(
    @CurrentPrincipal() who: Principal,
    @Param('id', new UuidParam()) id: string,
    @Body() body: ResolveLabResultRequest,
  ) {
    return this.review.resolve(who, id, body);
  }
}
