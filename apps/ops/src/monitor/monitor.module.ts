import { Module } from '@nestjs/common';
import { DlqService } from './dlq.service';
import { OpsHttpController } from './ops.http.controller';
import { TopicMonitor } from './topic-monitor.service';

@Module({ controllers: [OpsHttpController], providers: [TopicMonitor, DlqService], exports: [TopicMonitor] })
export class MonitorModule {}
