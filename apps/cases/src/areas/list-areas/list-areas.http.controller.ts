import { Roles } from '@ct/platform';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AreaCatalog } from '@ct/platform';

@ApiTags('areas')
@Controller('areas')
export class ListAreasHttpController {
  constructor(private readonly areas: AreaCatalog) {}

  @Get()
  @Roles('tracer', 'quarantine', 'ops')
  @ApiOperation({
    summary: 'Administrative areas (province > district > commune); every areaCode in the API is one of them',
  })
  @ApiOkResponse({ description: '{ items: [{ code, name, level, parentCode, population }] }' })
  list() {
    return { items: this.areas.areas };
  }
}
