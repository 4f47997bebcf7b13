import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { SharedModule } from '../shared/shared.module';
import { ErasePersonHttpController } from './erase-person/erase-person.http.controller';
import { PersonErasure } from './erase-person/person-erasure';
import { FindPersonsHttpController } from './find-persons/find-persons.http.controller';
import { PersonStore } from './infrastructure/person-store';
import { PersonDisclosure } from './person-disclosure';
import { PersonsService } from './persons.service';
import { RegisterPersonHttpController } from './register-person/register-person.http.controller';
import { UpdatePersonHttpController } from './update-person/update-person.http.controller';

/** Identity data: registration, look-up, changes and erasure, each audited. */
@Module({
  imports: [SharedModule, AuditModule],
  controllers: [
    ErasePersonHttpController,
    RegisterPersonHttpController,
    FindPersonsHttpController,
    UpdatePersonHttpController,
  ],
  providers: [PersonStore, PersonsService, PersonDisclosure, PersonErasure],
  exports: [PersonStore, PersonsService],
})
export class PersonsModule {}
