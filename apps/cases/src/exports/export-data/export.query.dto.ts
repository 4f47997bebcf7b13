import { IsTimestamp, NoControlCharacters } from '@ct/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

/** ?area=&from=&to= of every export: an area (with its sub-areas) and a period [from, to). */
export class ExportQuery {
  @ApiPropertyOptional({ example: '502', description: 'An area of GET /areas, with its sub-areas; default: all yours' })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  @NoControlCharacters()
  area?: string;

  @ApiPropertyOptional({ example: '2021-11-01T00:00:00+07:00' })
  @IsOptional()
  @IsTimestamp()
  from?: string;

  @ApiPropertyOptional({ example: '2021-12-01T00:00:00+07:00' })
  @IsOptional()
  @IsTimestamp()
  to?: string;
}
