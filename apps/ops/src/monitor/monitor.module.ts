import { Module } from '@nestjs/common';
import { MeHttpController } from '../identity/me.http.controller';
import { DlqService } from './dlq.service';
import { OpsHttpController } from './ops.http.controller';
import { TopicMonitor } from './topic-monitor.service';

@Module({ controllers: [OpsHttpController, MeHttpController], providers: [TopicMonitor, DlqService], exports: [TopicMonitor] })
export class MonitorModule {}
