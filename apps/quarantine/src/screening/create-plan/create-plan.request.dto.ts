import {
  IsCalendarDate,
  MAX_SCREENING_VENUES,
  NoControlCharacters,
  TEST_TYPES,
  TestType,
  VENUE_CATEGORY,
} from '@ct/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** Most people in one plan's group. */
export const MAX_GROUP = 50_000;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** Venue ids as check-in feeds send them (checkins.v1 ids), printable ASCII. */
const VENUE_ID = /^[\x20-\x7E]{1,128}$/;
/**
 * Longest look-back of a venue group: check-ins are kept CHECKIN_RETENTION_DAYS (21 by default) by
 * tracing; a longer window would silently hold less than it says.
 */
export const MAX_VENUE_SINCE_DAYS = 21;

export class CreateScreeningPlanRequest {
  @ApiProperty({ example: 'Chợ đầu mối Tam Kỳ: tiểu thương' })
  @IsString()
  @Length(1, 200)
  @NoControlCharacters()
  name: string;

  @ApiProperty({ example: '20290', description: 'The area the plan is for (one the caller serves)' })
  @IsString()
  @Length(1, 32)
  @NoControlCharacters()
  areaCode: string;

  @ApiProperty({ enum: TEST_TYPES })
  @IsIn(TEST_TYPES)
  testType: TestType;

  @ApiPropertyOptional({
    description: 'The group: these person ids (one of personIds, personIdsCsv, arrivalsFrom, venueIds/venueCategories)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_GROUP)
  @Matches(ID, { each: true, message: 'each personId must be 1 to 128 letters, digits or . _ : -' })
  personIds?: string[];

  @ApiPropertyOptional({
    description: 'The group as an uploaded CSV list: one person id a line (a header `personId` allowed)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_GROUP * 130)
  personIdsCsv?: string;

  @ApiPropertyOptional({
    description: 'The group: everyone registered as an arrival from these areas (see arrivalsSinceDays)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 32, { each: true })
  arrivalsFrom?: string[];

  @ApiPropertyOptional({ default: 14, description: 'Arrivals of the last N days' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  arrivalsSinceDays?: number;

  @ApiPropertyOptional({
    example: ['venue-cho-tam-ky'],
    description:
      'The group: the people who checked in at these venues in the last venueSinceDays days, resolved by tracing again for every round (with or instead of venueCategories)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SCREENING_VENUES)
  @Matches(VENUE_ID, { each: true, message: 'each venueId must be 1 to 128 printable ASCII characters' })
  venueIds?: string[];

  @ApiPropertyOptional({
    example: ['WHOLESALE_MARKET'],
    description: "The group: the people who checked in at venues of these categories (tracing's PUT /venues)",
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SCREENING_VENUES)
  @Matches(VENUE_CATEGORY, {
    each: true,
    message: 'each venueCategory must be 1 to 64 capital letters, digits or _, starting with a letter',
  })
  venueCategories?: string[];

  @ApiPropertyOptional({
    default: 14,
    maximum: MAX_VENUE_SINCE_DAYS,
    description: 'Venue groups: check-ins of the last N days before each round',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_VENUE_SINCE_DAYS)
  venueSinceDays?: number;

  @ApiPropertyOptional({ example: 7, description: 'Cadence: everyone every N days (or dailyPercent)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  everyDays?: number;

  @ApiPropertyOptional({ example: 20, description: 'Cadence: a rolling sample of this % of the group each day' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.1)
  @Max(100)
  dailyPercent?: number;

  @ApiPropertyOptional({ description: 'First round (default today)' })
  @IsOptional()
  @IsCalendarDate()
  startsOn?: string;

  @ApiProperty({ example: '2021-12-31', description: 'No round after this day' })
  @IsCalendarDate()
  endsOn: string;
}
