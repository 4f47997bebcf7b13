import { Module } from '@nestjs/common';
import { PersonsModule } from '../persons/persons.module';
import { SharedModule } from '../shared/shared.module';
import { ImportJobStore } from './infrastructure/import-job-store';
import { ImportHttpController } from './run-import/import.http.controller';
import { ImportRunner } from './run-import/import-runner';

/** CSV imports of persons and cases (dry run, then a job with progress). */
@Module({
  imports: [SharedModule, PersonsModule],
  controllers: [ImportHttpController],
  providers: [ImportRunner, ImportJobStore],
})
export class ImportsModule {}
