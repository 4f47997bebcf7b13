import { Module } from '@nestjs/common';
import { MeHttpController } from '../identity/me.http.controller';
import { DlqRetentionJob } from './dlq-retention.job';
import { DlqService } from './dlq.service';
import { OpsHttpController } from './ops.http.controller';
import { TopicMonitor } from './topic-monitor.service';

@Module({
  controllers: [OpsHttpController, MeHttpController],
  providers: [TopicMonitor, DlqService, DlqRetentionJob],
  exports: [TopicMonitor],
})
export class MonitorModule {}
