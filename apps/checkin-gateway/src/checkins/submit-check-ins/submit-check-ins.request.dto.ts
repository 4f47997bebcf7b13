import { ApiProperty } from '@nestjs/swagger';

/** One check-in as a feed sends it over HTTP (the CheckInRecorded payload; two fields may be left out). */
export class CheckInItemDto {
  @ApiProperty({
    required: false,
    maxLength: 128,
    description:
      "The feed's own id of the stay; left out, it is derived from personId, venueId and checkedInAt (so a retry or a later check-out of the same stay gets the same id)",
  })
  checkInId?: string;
  @ApiProperty({
    maxLength: 128,
    description: "Pseudonymous person id (the check-in app's account id); never a name or phone number",
  })
  personId: string;
  @ApiProperty({ maxLength: 128 })
  venueId: string;
  @ApiProperty({ example: '2021-11-20T08:00:00+07:00', description: 'ISO-8601 with timezone' })
  checkedInAt: string;
  @ApiProperty({
    required: false,
    nullable: true,
    example: '2021-11-20T08:45:00+07:00',
    description: 'Null or absent: the default stay length applies',
  })
  checkedOutAt?: string | null;
  @ApiProperty({
    required: false,
    maxLength: 128,
    description: 'Which feed recorded it; default `feed:<token subject>`',
  })
  source?: string;
}

export class ItemFieldErrorDto {
  @ApiProperty() field: string;
  @ApiProperty({ type: [String] }) problems: string[];
}

export class ItemErrorDto {
  @ApiProperty({ description: '0-based position in the array (or among the non-blank NDJSON lines)' }) index: number;
  @ApiProperty({ type: [ItemFieldErrorDto] }) fields: ItemFieldErrorDto[];
}

export class SubmitCheckInsResponseDto {
  @ApiProperty() accepted: number;
  @ApiProperty() rejected: number;
  @ApiProperty({ type: [ItemErrorDto] }) errors: ItemErrorDto[];
}
