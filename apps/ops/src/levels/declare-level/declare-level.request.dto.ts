import { EPIDEMIC_LEVELS, EpidemicLevel, NoControlCharacters } from '@ct/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';

export class DeclareLevelRequest {
  @ApiProperty({ enum: EPIDEMIC_LEVELS, description: 'The level the committee declares: 1 green … 4 red' })
  @IsIn(EPIDEMIC_LEVELS)
  level: EpidemicLevel;

  @ApiProperty({ description: 'Why (published on surveillance.v1: no personal data)', maxLength: 500 })
  @IsString()
  @Length(1, 500)
  @NoControlCharacters()
  reason: string;
}
