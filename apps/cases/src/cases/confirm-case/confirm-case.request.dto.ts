import { CASE_ORIGINS, CaseOrigin, IsTimestamp, NoControlCharacters, TEST_TYPES, TestType } from '@ct/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class ConfirmCaseRequest {
  @ApiProperty({ description: 'Pseudonymous person id (PC-COVID account id or the id POST /persons generated)' })
  @IsString()
  @Length(1, 128)
  @NoControlCharacters()
  personId: string;

  @ApiProperty({ example: '2021-11-20T08:00:00Z' })
  @IsTimestamp()
  confirmedAt: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsTimestamp()
  symptomOnsetAt?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsTimestamp()
  sampleTakenAt?: string;

  @ApiProperty({ enum: TEST_TYPES })
  @IsIn(TEST_TYPES)
  testType: TestType;

  @ApiPropertyOptional({ enum: CASE_ORIGINS, default: 'INVESTIGATION' })
  @IsOptional()
  @IsIn(CASE_ORIGINS)
  origin?: CaseOrigin;

  @ApiPropertyOptional({
    example: '20290',
    description: "One of GET /areas; defaults to the registered person's area (required for an unregistered personId)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @NoControlCharacters()
  areaCode?: string;
}
