import { DECLARED_CONTACT_KINDS, DeclaredContactKind, IsTimestamp, NoControlCharacters } from '@ct/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { RegisterPersonRequest } from '../../persons/register-person/register-person.request.dto';

/** A named contact: an existing personId, or a new person's details (they are registered). */
export class DeclareContactRequest {
  @ApiPropertyOptional({ description: 'A registered person' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  @NoControlCharacters()
  personId?: string;

  @ApiPropertyOptional({ type: RegisterPersonRequest, description: 'A person to register (instead of personId)' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RegisterPersonRequest)
  person?: RegisterPersonRequest;

  @ApiProperty({ enum: DECLARED_CONTACT_KINDS })
  @IsIn(DECLARED_CONTACT_KINDS)
  kind: DeclaredContactKind;

  @ApiProperty({ example: '2021-11-18T00:00:00Z' })
  @IsTimestamp()
  startedAt: string;

  @ApiProperty({ example: '2021-11-20T08:00:00Z' })
  @IsTimestamp()
  endedAt: string;
}
