import { IsCalendarDate, IsTimestamp, NoControlCharacters } from '@ct/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { PERSON_LANGUAGES, PersonLanguage } from '../domain/person';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class VaccinationDto {
  @ApiProperty({ minimum: 0, maximum: 10 })
  @IsInt()
  @Min(0)
  @Max(10)
  doses: number;

  @ApiPropertyOptional({ example: '2021-09-01T00:00:00Z', nullable: true })
  @IsOptional()
  @IsTimestamp()
  lastDoseAt?: string | null;
}

export class RegisterPersonRequest {
  @ApiPropertyOptional({ description: 'The PC-COVID account id; generated (a UUID) for people without the app' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, { message: 'personId must be 1 to 128 letters, digits or . _ : -' })
  personId?: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  @NoControlCharacters()
  fullName: string;

  @ApiPropertyOptional({
    example: '0905 123 456',
    description: 'Vietnamese (0…, +84…) or international; stored as +84…',
  })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @NoControlCharacters()
  phone?: string | null;

  @ApiPropertyOptional({ description: 'CCCD/CMND or passport number' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @NoControlCharacters()
  nationalId?: string | null;

  @ApiPropertyOptional({ example: '1980-05-01' })
  @IsOptional()
  @IsCalendarDate()
  dateOfBirth?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string | null;

  @ApiProperty({ example: '20290', description: 'One of GET /areas' })
  @IsString()
  @Length(1, 32)
  @NoControlCharacters()
  areaCode: string;

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
