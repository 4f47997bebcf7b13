import { IsCalendarDate, IsTimestamp, NoControlCharacters } from '@ct/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PERSON_LANGUAGES, PersonLanguage } from '../domain/person';
import { VaccinationDto } from '../register-person/register-person.request.dto';

/** Only the fields given change; null clears an optional field. */
export class UpdatePersonRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NoControlCharacters()
  fullName?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @NoControlCharacters()
  phone?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @NoControlCharacters()
  nationalId?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsCalendarDate()
  dateOfBirth?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 32)
  @NoControlCharacters()
  areaCode?: string;

  @ApiPropertyOptional({ type: VaccinationDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => VaccinationDto)
  vaccination?: VaccinationDto;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsTimestamp()
  recoveredAt?: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'an@example.vn', description: 'Where e-mail notifications go' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @Matches(/^$|^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: 'email must be an e-mail address' })
  email?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    enum: PERSON_LANGUAGES,
    description: 'Language of notifications (default vi)',
  })
  @IsOptional()
  @IsIn(PERSON_LANGUAGES)
  language?: PersonLanguage | null;

  @ApiPropertyOptional({
    nullable: true,
    description: 'Has a listed underlying disease (care pathway: decides home treatment); null = unknown',
  })
  @IsOptional()
  @IsBoolean()
  underlyingCondition?: boolean | null;

  @ApiPropertyOptional({
    nullable: true,
    description: 'Pregnant (care pathway: decides home treatment); null = unknown',
  })
  @IsOptional()
  @IsBoolean()
  pregnant?: boolean | null;
}
