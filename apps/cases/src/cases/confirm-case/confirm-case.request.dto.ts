import { CASE_ORIGINS, CaseOrigin, TEST_TYPES, TestType } from '@ct/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class ConfirmCaseRequest {
  @ApiProperty({ description: 'Pseudonymous person id (PC-COVID account id)' })
  @IsString() @Length(1, 128)
  personId: string;

  @ApiProperty({ example: '2021-11-20T08:00:00Z' })
  @IsISO8601({ strict: true })
  confirmedAt: string;

  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true })
  symptomOnsetAt?: string;

  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true })
  sampleTakenAt?: string;

  @ApiProperty({ enum: TEST_TYPES }) @IsIn(TEST_TYPES)
  testType: TestType;

  @ApiPropertyOptional({ enum: CASE_ORIGINS, default: 'INVESTIGATION' }) @IsOptional() @IsIn(CASE_ORIGINS)
  origin?: CaseOrigin;

  @ApiProperty({ example: '79' }) @IsString() @MaxLength(32)
  areaCode: string;
}
