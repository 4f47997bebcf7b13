import { SERVICE_ENV } from '@ct/runtime';
import { Module } from '@nestjs/common';
import { TracingEnv } from '../config';
import { ContactGraphHttpController } from '../graph/query-graph/contact-graph.http.controller';
import { ContactGraphQueries } from '../graph/query-graph/contact-graph.queries';
import { CaseChainQueries } from '../graph/query-graph/case-chain.queries';
import { GraphSecrets } from '../graph/infrastructure/graph-secrets';
import { ExposureSitesHttpController } from '../graph/list-exposure-sites/exposure-sites.http.controller';
import { ExposureSiteQueries } from '../graph/list-exposure-sites/exposure-sites.queries';
import { TRACING_POLICY } from './contacts.tokens';
import { RecordDeclaredContactHandler } from './declare-contact/record-declared-contact.handler';
import { RecordDeclaredContactKafkaController } from './declare-contact/record-declared-contact.kafka.controller';
import { EnginePolicy } from './engine-policy';
import { ContactTracer } from './trace-case/contact-tracer';
import { ResumeTracingJob } from './trace-case/resume-tracing.job';
import { F2Stage } from './trace-case/f2-stage';
import { ContactStore } from './infrastructure/contact-store';
import { ExposureAlertStore } from './infrastructure/exposure-alert.store';
import { TracedCaseStore } from './infrastructure/traced-case.store';
import { CaseRetracer } from './late-data/case-retracer';
import { LateDataStore } from './late-data/late-data.store';
import { RetraceJob } from './late-data/retrace.job';
import { RetraceSignal } from './late-data/retrace-signal';

/** The tracing engine (F1/F2 from the visit store and declarations, retraced on late data), the contact graph and its API. */
@Module({
  controllers: [RecordDeclaredContactKafkaController, ContactGraphHttpController, ExposureSitesHttpController],
  providers: [
    ContactTracer,
    F2Stage,
    ContactStore,
    ExposureAlertStore,
    TracedCaseStore,
    LateDataStore,
    RetraceSignal,
    CaseRetracer,
    RetraceJob,
    ResumeTracingJob,
    RecordDeclaredContactHandler,
    ContactGraphQueries,
    CaseChainQueries,
    GraphSecrets,
    ExposureSiteQueries,
    {
      provide: TRACING_POLICY,
      inject: [SERVICE_ENV],
      useFactory: (env: TracingEnv): EnginePolicy => ({
        infectiousDaysBefore: env.TRACING_INFECTIOUS_DAYS_BEFORE,
        minOverlapMs: env.TRACING_MIN_OVERLAP_SECONDS * 1000,
        maxStayMs: env.TRACING_MAX_STAY_HOURS * 3_600_000,
        stagedFromF1: env.TRACING_STAGED_FROM_F1,
        f2Chunk: env.TRACING_F2_CHUNK,
        copyFrom: env.TRACING_COPY_FROM,
        exposureLingerMs: env.TRACING_EXPOSURE_LINGER_MINUTES * 60_000,
      }),
    },
  ],
  exports: [ContactTracer, LateDataStore, RetraceSignal, RetraceJob],
})
export class ContactsModule {}
