import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { LANGS } from '../domain/format';

/** Most areas (pages) in one report. */
export const REPORT_AREAS_MAX = 50;

export class WeeklyReportQuery {
  @ApiProperty({
    description: `An area code, or several separated by commas (at most ${REPORT_AREAS_MAX}): one page each, figures including the areas below`,
    example: '49,503',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  @Matches(/^[\w-]{1,32}(,[\w-]{1,32})*$/, { message: 'area must be area codes separated by commas' })
  area: string;

  @ApiPropertyOptional({
    description:
      'A date in the week (YYYY-MM-DD) or an ISO week (2021-W46), local time; default the last complete week',
  })
  @IsOptional()
  @IsString()
  @Matches(/^(\d{4}-\d{2}-\d{2}|\d{4}-W\d{2})$/, { message: 'week must be a date YYYY-MM-DD or an ISO week YYYY-Www' })
  week?: string;

  @ApiPropertyOptional({ enum: LANGS, default: 'vi' })
  @IsOptional()
  @IsIn(LANGS)
  lang?: (typeof LANGS)[number];
}
