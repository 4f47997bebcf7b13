import { Roles } from '@ct/platform';
import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { ContactGraphQueries } from './contact-graph.queries';

export class ClustersQuery {
  @ApiPropertyOptional({ description: 'Smallest cluster listed (cases)', default: 2 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000)
  minSize?: number;
}

export class PersonParam {
  @ApiProperty() @IsString() @Length(1, 128) personId: string;
}

/** The contact graph for tracing teams. (POST /cases/:id/contacts and GET /cases/:id belong to the cases service.) */
@ApiTags('contact graph')
@Controller()
export class ContactGraphHttpController {
  constructor(private readonly graph: ContactGraphQueries) {}

  @Get('cases/:id/contacts')
  // ops reads it too, for the dashboard's graph: nodes carry pseudonymous ids only.
  @Roles('tracer', 'ops')
  @ApiOperation({ summary: "A case's contacts: nodes (personId, degree, current class) and edges (source → contact, kind, venue, interval)" })
  contacts(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.graph.caseContacts(id);
  }

  @Get('cases/:id/chain')
  @Roles('tracer')
  @ApiOperation({ summary: "A case's chain of transmission: ancestor and descendant cases" })
  chain(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.graph.chain(id);
  }

  @Get('persons/:personId/exposures')
  @Roles('tracer')
  @ApiOperation({ summary: 'Where and when a person was exposed, and to whom' })
  exposures(@Param() p: PersonParam) {
    return this.graph.exposures(p.personId);
  }

  @Get('clusters')
  @Roles('tracer')
  @ApiOperation({ summary: 'Connected groups of cases linked by contact edges (size, venues, first and last dates)' })
  clusters(@Query() q: ClustersQuery) {
    return this.graph.clusters(q.minSize ?? 2);
  }
}
