import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { RegisterPersonRequest } from '../../persons/register-person/register-person.request.dto';

export class ResolveLabResultRequest {
  @ApiPropertyOptional({ description: 'An existing person of your areas' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, { message: 'personId must be 1 to 128 letters, digits or . _ : -' })
  personId?: string;

  @ApiPropertyOptional({ type: RegisterPersonRequest, description: 'Register the person (as POST /persons) and match' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RegisterPersonRequest)
  person?: RegisterPersonRequest;
}
