import { Module } from '@nestjs/common';
import { ConversionsModule } from '../conversions/conversions.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { SharedModule } from '../shared/shared.module';
import { PersonStatusHttpController } from './get-person-status/person-status.http.controller';
import { RecordStatusEventsKafkaController } from './record-status-events/record-status-events.kafka.controller';
import { StatusStore } from './record-status-events/status-store';

/** A person's status, a read model of contacts.v1, quarantine.v1 and testing.v1. */
@Module({
  imports: [SharedModule, ConversionsModule, NotificationsModule],
  controllers: [PersonStatusHttpController, RecordStatusEventsKafkaController],
  providers: [StatusStore],
})
export class StatusModule {}
