import { AreaScope, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { AreaCatalog } from '@ct/platform';
import { Problems } from '../../shared/domain/problems';
import { CaseEntity, caseView } from '../infrastructure/case.entity';
import { ListCasesQuery } from './list-cases.query.dto';
import { CasesErrors } from '../../errors';

/** Cases by area (with sub-areas), status and confirmation date range, newest first, with the total. */
@Injectable()
export class ListCases {
  constructor(
    private readonly tx: TransactionHost,
    private readonly areas: AreaCatalog,
  ) {}

  /** Only cases of the caller's scope are listed and counted; an area filter is cut to the scope. */
  async run(q: ListCasesQuery, scope: AreaScope) {
    const p = new Problems();
    if (q.area !== undefined && !this.areas.has(q.area)) p.add('area', 'area is not a known area (see GET /areas)');
    if (q.from && q.to && new Date(q.to) <= new Date(q.from)) p.add('to', 'to must be after from');
    p.throwIfAny(CasesErrors.caseQueryInvalid, 'invalid case query');
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 50;
    const qb = this.tx.manager.createQueryBuilder(CaseEntity, 'c');
    const wanted = q.area !== undefined ? this.areas.withDescendants(q.area) : scope.codes();
    // ANY(:areas) with an empty array matches nothing: a scope without areas lists nothing.
    if (wanted !== null) qb.andWhere('c.area_code = ANY(:areas)', { areas: scope.narrow(wanted) });
    if (q.status !== undefined) qb.andWhere('c.status = :status', { status: q.status.toUpperCase() });
    if (q.from !== undefined) qb.andWhere('c.confirmed_at >= :from', { from: new Date(q.from) });
    if (q.to !== undefined) qb.andWhere('c.confirmed_at < :to', { to: new Date(q.to) });
    const [rows, total] = await qb
      .orderBy('c.confirmed_at', 'DESC')
      .addOrderBy('c.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items: rows.map(caseView), page, pageSize, total };
  }

  /** One case; a case outside the caller's scope is answered as unknown (404). */
  async one(caseId: string, scope: AreaScope) {
    const c = await this.tx.manager.findOneBy(CaseEntity, { id: caseId });
    if (!c || !scope.covers(c.areaCode)) throw CasesErrors.caseNotFound(caseId);
    return c;
  }
}
