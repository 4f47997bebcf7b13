import { IsTimestamp, NoControlCharacters } from '@ct/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { RegisterPersonRequest } from '../../persons/register-person/register-person.request.dto';

export class RegisterArrivalRequest {
  @ApiPropertyOptional({ description: 'A person registered here (GET /persons); or send `person` instead' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, { message: 'personId must be 1 to 128 letters, digits or . _ : -' })
  personId?: string;

  @ApiPropertyOptional({
    type: RegisterPersonRequest,
    description: 'A new person, registered as POST /persons does (409 PERSON.DUPLICATE names an existing one)',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RegisterPersonRequest)
  person?: RegisterPersonRequest;

  @ApiProperty({ example: '79', description: 'The area they come from (any area code; its epidemic level decides)' })
  @IsString()
  @Length(1, 32)
  @NoControlCharacters()
  originAreaCode: string;

  @ApiProperty({ example: '20290', description: 'Where they go: one of GET /areas, served by the caller' })
  @IsString()
  @Length(1, 32)
  @NoControlCharacters()
  destinationAreaCode: string;

  @ApiProperty({ example: '2021-11-22T09:30:00+07:00' })
  @IsTimestamp()
  arrivedAt: string;

  @ApiPropertyOptional({
    example: 'Chốt Bắc Hải Vân',
    description: 'The checkpoint or office (a place, never a person)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  @NoControlCharacters()
  checkpoint?: string;
}
