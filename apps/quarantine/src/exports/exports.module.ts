import { Module } from '@nestjs/common';
import { QuarantineExportHttpController } from './export-data/export.http.controller';
import { ExportLog } from './infrastructure/export-queries';

/** Exports of quarantine orders and tests, streamed and audited. */
@Module({ controllers: [QuarantineExportHttpController], providers: [ExportLog] })
export class ExportsModule {}
