import { Module } from '@nestjs/common';
import { SharedModule } from '../shared/shared.module';
import { ExportHttpController } from './export-data/export.http.controller';
import { ExportLogHttpController } from './export-data/export-log.http.controller';
import { ExportLog } from './infrastructure/export-queries';

/** Exports of the cases service's data (cases, contacts), streamed and audited. */
@Module({
  imports: [SharedModule],
  controllers: [ExportHttpController, ExportLogHttpController],
  providers: [ExportLog],
})
export class ExportsModule {}
