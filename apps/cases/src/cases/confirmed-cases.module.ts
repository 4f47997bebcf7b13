import { Module } from '@nestjs/common';
import { PersonsModule } from '../persons/persons.module';
import { SharedModule } from '../shared/shared.module';
import { CloseCaseHandler } from './close-case/close-case.handler';
import { CloseCaseHttpController } from './close-case/close-case.http.controller';
import { ConfirmCaseHandler } from './confirm-case/confirm-case.handler';
import { ConfirmCaseHttpController } from './confirm-case/confirm-case.http.controller';
import { ListCases } from './list-cases/list-cases.query';
import { ListCasesHttpController } from './list-cases/list-cases.http.controller';

/** Confirmed cases (F0): confirm, list, read and close. */
@Module({
  imports: [SharedModule, PersonsModule],
  controllers: [ConfirmCaseHttpController, ListCasesHttpController, CloseCaseHttpController],
  providers: [ConfirmCaseHandler, ListCases, CloseCaseHandler],
})
export class ConfirmedCasesModule {}
