import { Module } from '@nestjs/common';
import { ConversionsModule } from '../conversions/conversions.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { SharedModule } from '../shared/shared.module';
import { PersonStatusHttpController } from './get-person-status/person-status.http.controller';
import { RecordStatusEventsKafkaController } from './record-status-events/record-status-events.kafka.controller';
import { StatusStore } from './record-status-events/status-store';
import { CareStatusStore } from './record-care-events/care-status-store';
import { RecordCareEventsKafkaController } from './record-care-events/record-care-events.kafka.controller';

/** A person's status, a read model of contacts.v1, quarantine.v1, testing.v1 and care.v1. */
@Module({
  imports: [SharedModule, ConversionsModule, NotificationsModule],
  controllers: [PersonStatusHttpController, RecordStatusEventsKafkaController, RecordCareEventsKafkaController],
  providers: [StatusStore, CareStatusStore],
})
export class StatusModule {}
