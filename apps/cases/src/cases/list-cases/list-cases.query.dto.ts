import { IsTimestamp } from '@ct/contracts';
import { MAX_PAGE } from '@ct/platform';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class ListCasesQuery {
  @ApiPropertyOptional({
    description: 'An area code; includes the areas below it (a province lists its districts and communes)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  area?: string;

  @ApiPropertyOptional({ enum: ['OPEN', 'CLOSED'] })
  @IsOptional()
  @IsIn(['OPEN', 'CLOSED', 'open', 'closed'])
  status?: string;

  @ApiPropertyOptional({ description: 'confirmedAt at or after' })
  @IsOptional()
  @IsTimestamp()
  from?: string;

  @ApiPropertyOptional({ description: 'confirmedAt before' })
  @IsOptional()
  @IsTimestamp()
  to?: string;

  @ApiPropertyOptional({ default: 1, maximum: MAX_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize?: number;
}
