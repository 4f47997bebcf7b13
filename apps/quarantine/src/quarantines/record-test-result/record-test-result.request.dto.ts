import { IsTimestamp, NoControlCharacters, TEST_RESULTS, TEST_TYPES, TestResult, TestType } from '@ct/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';

export class RecordTestResultRequest {
  @ApiProperty({ enum: TEST_RESULTS })
  @IsIn(TEST_RESULTS)
  result: TestResult;

  @ApiProperty({ enum: TEST_TYPES })
  @IsIn(TEST_TYPES)
  testType: TestType;

  @ApiProperty({ example: '2021-11-23T08:00:00Z' })
  @IsTimestamp()
  sampleTakenAt: string;
}

const OUTSIDE = ['SCREENING', 'UNSCHEDULED'] as const;

export class RecordOtherTestResultRequest extends RecordTestResultRequest {
  @ApiProperty({ description: 'Pseudonymous person id' })
  @IsString()
  @Length(1, 128)
  @NoControlCharacters()
  personId: string;

  @ApiProperty({ enum: OUTSIDE, description: 'SCREENING (risk-group testing) or UNSCHEDULED (any other test)' })
  @IsIn(OUTSIDE)
  purpose: (typeof OUTSIDE)[number];
}
