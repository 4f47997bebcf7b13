import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PersonsModule } from '../persons/persons.module';
import { SharedModule } from '../shared/shared.module';
import { DeclareContactHandler } from './declare-contact/declare-contact.handler';
import { DeclareContactHttpController } from './declare-contact/declare-contact.http.controller';
import { InvestigationStore } from './infrastructure/investigation-store';
import { InvestigationHttpController } from './manage-investigation/investigation.http.controller';

/** A case's investigation (team, notes, status) and the contacts declared in it. */
@Module({
  imports: [SharedModule, AuditModule, PersonsModule],
  controllers: [InvestigationHttpController, DeclareContactHttpController],
  providers: [InvestigationStore, DeclareContactHandler],
})
export class InvestigationsModule {}
