import { VENUE_CATEGORY } from '@ct/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Length, Matches, ValidateNested } from 'class-validator';

/** Most venues in one PUT /venues. */
export const MAX_VENUES_PER_REQUEST = 10_000;

export class VenueCategoryItem {
  @ApiProperty({ example: 'venue-cho-tam-ky' })
  @IsString()
  @Length(1, 128)
  @Matches(/^[\x20-\x7E]+$/, { message: 'venueId must be printable ASCII' })
  venueId: string;

  @ApiProperty({ example: 'WHOLESALE_MARKET', description: 'Capital letters, digits and _ (1 to 64)' })
  @IsString()
  @Matches(VENUE_CATEGORY, { message: 'category must be 1 to 64 capital letters, digits or _, starting with a letter' })
  category: string;
}

export class SetVenueCategoriesRequest {
  @ApiProperty({ type: [VenueCategoryItem] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_VENUES_PER_REQUEST)
  @ValidateNested({ each: true })
  @Type(() => VenueCategoryItem)
  venues: VenueCategoryItem[];
}
