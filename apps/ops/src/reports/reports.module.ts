import { Module } from '@nestjs/common';
import { SurveillanceModule } from '../surveillance/surveillance.module';
import { WeeklyReportStore } from './infrastructure/weekly-report.store';
import { WeeklyReportHttpController } from './weekly-report/weekly-report.http.controller';
import { WeeklyReportService } from './weekly-report/weekly-report.service';

/** Reports built from the surveillance read model: the weekly report (PDF and HTML). */
@Module({
  imports: [SurveillanceModule],
  controllers: [WeeklyReportHttpController],
  providers: [WeeklyReportService, WeeklyReportStore],
})
export class ReportsModule {}
