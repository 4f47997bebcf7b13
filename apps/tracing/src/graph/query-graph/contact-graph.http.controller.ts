import { AreaScopes, CurrentPrincipal, MAX_PAGE, Principal, Roles, UuidParam } from '@ct/platform';
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { CaseChainQueries } from './case-chain.queries';
import { ContactGraphQueries, CONTACTS_PAGE_MAX } from './contact-graph.queries';
import { TracingErrors } from '../../errors';

/** Most clusters in one answer of GET /clusters (and the default). */
export const CLUSTERS_PAGE_MAX = 500;

export class ClustersQuery {
  @ApiPropertyOptional({ description: 'Smallest cluster listed (cases)', default: 2 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  minSize?: number;

  @ApiPropertyOptional({ default: 1, maximum: MAX_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ default: CLUSTERS_PAGE_MAX, maximum: CLUSTERS_PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(CLUSTERS_PAGE_MAX)
  limit?: number;
}

export class ContactsQuery {
  @ApiPropertyOptional({
    description: 'Most edges in this answer',
    default: CONTACTS_PAGE_MAX,
    maximum: CONTACTS_PAGE_MAX,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(CONTACTS_PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next` of the previous answer: edges after it' })
  @IsOptional()
  @IsString()
  @Length(1, 400)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'after must be the next cursor of a previous answer' })
  after?: string;
}

export class PersonParam {
  @ApiProperty() @IsString() @Length(1, 128) personId: string;
}

/**
 * The contact graph for tracing teams. (POST /cases/:id/contacts and GET /cases/:id belong to the
 * cases service.) Every route is scoped to the caller's areas, ops included (the dashboard's graph):
 * an ops account sees the graphs of its areas, `*` for a national one.
 */
@ApiTags('contact graph')
@Controller()
export class ContactGraphHttpController {
  constructor(
    private readonly graph: ContactGraphQueries,
    private readonly chains: CaseChainQueries,
    private readonly scopes: AreaScopes,
  ) {}

  @Get('cases/:id/contacts')
  // ops reads it too, for the dashboard's graph: nodes carry pseudonymous ids only.
  @Roles('tracer', 'ops')
  @ApiOperation({
    summary:
      "A case's contacts: nodes (personId, degree, current class) and edges (source → contact, kind, venue, interval)",
    description: `At most \`limit\` edges (default and maximum ${CONTACTS_PAGE_MAX}); \`truncated\` says more follow, \`next\` is the \`after\` of the next page.`,
  })
  async contacts(
    @CurrentPrincipal() who: Principal,
    @Param('id', new UuidParam()) id: string,
    @Query() q: ContactsQuery,
  ) {
    let after;
    if (q.after !== undefined) {
      after = (await this.graph.openCursor(q.after)) ?? undefined;
      if (!after) throw TracingErrors.graphInvalidCursor();
    }
    return this.graph.caseContacts(id, this.scopes.of(who), { limit: q.limit ?? CONTACTS_PAGE_MAX, after });
  }

  @Get('cases/:id/chain')
  @Roles('tracer')
  @ApiOperation({ summary: "A case's chain of transmission: ancestor and descendant cases" })
  chain(@CurrentPrincipal() who: Principal, @Param('id', new UuidParam()) id: string) {
    return this.chains.chain(id, this.scopes.of(who));
  }

  @Get('persons/:personId/exposures')
  @Roles('tracer')
  @ApiOperation({ summary: 'Where and when a person was exposed, and to whom' })
  exposures(@CurrentPrincipal() who: Principal, @Param() p: PersonParam) {
    return this.graph.exposures(p.personId, this.scopes.of(who));
  }

  @Get('clusters')
  @Roles('tracer')
  @ApiOperation({
    summary: 'Connected groups of cases linked by contact edges (size, venues, first and last dates)',
    description: `Largest first, at most \`limit\` a page (default and maximum ${CLUSTERS_PAGE_MAX}). The body stays an array; headers X-Total-Count, X-Truncated (more pages follow) and Link rel="next" say what was left out.`,
  })
  @ApiResponse({
    status: 200,
    headers: {
      'X-Total-Count': { description: 'clusters of at least minSize' },
      'X-Truncated': { description: 'true when later pages hold more' },
      Link: { description: '<…?page=N>; rel="next"' },
    },
  })
  async clusters(
    @CurrentPrincipal() who: Principal,
    @Query() q: ClustersQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    const all = await this.graph.clusters(q.minSize ?? 2, this.scopes.of(who));
    const page = q.page ?? 1;
    const limit = q.limit ?? CLUSTERS_PAGE_MAX;
    const start = (page - 1) * limit;
    const items = all.slice(start, start + limit);
    const truncated = start + limit < all.length;
    res.setHeader('X-Total-Count', String(all.length));
    res.setHeader('X-Truncated', String(truncated));
    if (truncated)
      res.setHeader('Link', `</clusters?minSize=${q.minSize ?? 2}&page=${page + 1}&limit=${limit}>; rel="next"`);
    return items;
  }
}
