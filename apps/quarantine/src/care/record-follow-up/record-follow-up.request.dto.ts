import { FOLLOW_UP_STATUSES, FollowUpStatus, NoControlCharacters, Symptom, SYMPTOMS } from '@ct/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** What a person reports about their day (the self-report link; staff add status and a note). */
export class HealthReadingRequest {
  @ApiPropertyOptional({ description: 'Body temperature, °C', minimum: 30, maximum: 45, example: 37.2 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 1 })
  @Min(30)
  @Max(45)
  temperatureC?: number | null;

  @ApiPropertyOptional({ description: 'Oxygen saturation, %', minimum: 50, maximum: 100, example: 97 })
  @IsOptional()
  @IsInt()
  @Min(50)
  @Max(100)
  spo2?: number | null;

  @ApiPropertyOptional({ enum: SYMPTOMS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SYMPTOMS.length)
  @ArrayUnique()
  @IsIn(SYMPTOMS, { each: true })
  symptoms?: Symptom[];
}

export class RecordFollowUpRequest extends HealthReadingRequest {
  @ApiProperty({
    enum: FOLLOW_UP_STATUSES,
    description: 'DONE: the person was reached; UNREACHABLE: tried, not reached',
  })
  @IsIn(FOLLOW_UP_STATUSES)
  status: FollowUpStatus;

  @ApiPropertyOptional({ description: 'Free text for staff; stays in this service (never on a topic)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @NoControlCharacters({ freeText: true })
  note?: string | null;
}
