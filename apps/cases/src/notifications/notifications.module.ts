import { SERVICE_ENV } from '@ct/runtime';
import { Logger, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PersonsModule } from '../persons/persons.module';
import { SharedModule } from '../shared/shared.module';
import { Channels } from './channels/channels';
import { NotificationDispatcher } from './dispatch-notifications/notification-dispatcher.job';
import { DeliveryStore } from './infrastructure/delivery-store';
import { TemplateCatalog } from './infrastructure/template-files';
import { NotificationsHttpController } from './list-notifications/notifications.http.controller';
import { NotificationMetrics } from './notification-metrics';
import { NotifyEnv } from './notify.config';
import { NotificationPlanner } from './plan-notifications/notification-planner';
import { NotificationSummaryHttpController } from './summarize-notifications/notification-summary.http.controller';
import { NotificationSummaryStore } from './summarize-notifications/summary-store';
import { ExposureAlertsKafkaController } from './plan-notifications/exposure-alerts.kafka.controller';

/** The notifier: plans messages from status events, dispatches them, lists them and the preferences. */
@Module({
  imports: [SharedModule, AuditModule, PersonsModule],
  controllers: [NotificationsHttpController, NotificationSummaryHttpController, ExposureAlertsKafkaController],
  providers: [
    {
      provide: TemplateCatalog,
      inject: [SERVICE_ENV],
      useFactory: (env: NotifyEnv) => {
        const log = new Logger('Notifications');
        return new TemplateCatalog(env.NOTIFY_TEMPLATES_DIR, (m) => log.error(m));
      },
    },
    Channels,
    DeliveryStore,
    NotificationSummaryStore,
    NotificationMetrics,
    NotificationDispatcher,
    NotificationPlanner,
  ],
  exports: [NotificationPlanner],
})
export class NotificationsModule {}
