import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';

export class CoverageRequest {
  @ApiPropertyOptional({ description: 'Population; defaults to the AREAS_FILE figure' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  population?: number;

  @ApiProperty({ description: 'Adults with at least one dose, %' })
  @IsNumber()
  @Min(0)
  @Max(100)
  adultsOneDosePct: number;

  @ApiProperty({ description: 'People over 50 fully vaccinated, %' })
  @IsNumber()
  @Min(0)
  @Max(100)
  over50FullyVaccinatedPct: number;

  @ApiPropertyOptional({ description: 'Treatment beds in use, % (treatment capacity criterion)' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  treatmentOccupancyPct?: number;
}
