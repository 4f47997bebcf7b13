import { IsCalendarDate, NoControlCharacters, TEST_TYPES, TestType } from '@ct/contracts';
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

  @ApiPropertyOptional({ description: 'The group: these person ids (one of personIds, personIdsCsv, arrivalsFrom)' })
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
