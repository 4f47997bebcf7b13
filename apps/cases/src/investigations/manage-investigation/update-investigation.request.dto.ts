import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { INVESTIGATION_STATUSES, InvestigationStatus } from '../../cases/domain/case-rules';

export class UpdateInvestigationRequest {
  @ApiPropertyOptional({ enum: INVESTIGATION_STATUSES })
  @IsOptional()
  @IsIn(INVESTIGATION_STATUSES)
  status?: InvestigationStatus;

  @ApiPropertyOptional({ nullable: true, example: 'Tam Kỳ team 3' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  assignedTeam?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  notes?: string | null;
}
