import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PersonsModule } from '../persons/persons.module';
import { SharedModule } from '../shared/shared.module';
import { LabResultStore } from './infrastructure/lab-result-store';
import { LabResultReview } from './review-lab-results/lab-result-review';
import { LabResultReviewHttpController } from './review-lab-results/lab-result-review.http.controller';
import { LabResultsService } from './upload-lab-results/lab-results.service';
import { UploadLabResultsHttpController } from './upload-lab-results/upload-lab-results.http.controller';

/** Bulk lab results (CSV, FHIR): matching to persons, LabResultMatched, the review queue. */
@Module({
  imports: [SharedModule, AuditModule, PersonsModule],
  controllers: [UploadLabResultsHttpController, LabResultReviewHttpController],
  providers: [LabResultStore, LabResultsService, LabResultReview],
})
export class LabResultsModule {}
