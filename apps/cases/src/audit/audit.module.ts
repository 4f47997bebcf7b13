import { Module } from '@nestjs/common';
import { SharedModule } from '../shared/shared.module';
import { AuditTrail } from './infrastructure/audit-trail';
import { ListAuditHttpController } from './list-audit/list-audit.http.controller';

/** Who read or changed identity data: the trail every feature writes to, and its admin route. */
@Module({
  imports: [SharedModule],
  controllers: [ListAuditHttpController],
  providers: [AuditTrail],
  exports: [AuditTrail],
})
export class AuditModule {}
