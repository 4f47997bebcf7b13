import { IsTimestamp } from '@ct/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export class CloseCaseRequest {
  @ApiProperty({ enum: ['recovered', 'deceased'] })
  @IsIn(['recovered', 'deceased', 'RECOVERED', 'DECEASED'])
  outcome: string;

  @ApiProperty({ example: '2021-12-01T08:00:00Z' })
  @IsTimestamp()
  closedAt: string;
}
