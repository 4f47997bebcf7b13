import { SERVICE_ENV } from '@ct/runtime';
import { Logger, Provider } from '@nestjs/common';
import { Channels } from './channels/channels';
import { NotificationDispatcher } from './dispatch-notifications/notification-dispatcher.job';
import { DeliveryStore } from './infrastructure/delivery-store';
import { TemplateCatalog } from './infrastructure/template-files';
import { NotificationsHttpController } from './list-notifications/notifications.http.controller';
import { NotificationMetrics } from './notification-metrics';
import { NotifyEnv } from './notify.config';
import { NotificationPlanner } from './plan-notifications/notification-planner';

/** The notifier's part of the cases module (apps/cases/src/cases.module.ts). */
export const notificationControllers = [NotificationsHttpController];

export const notificationProviders: Provider[] = [
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
  NotificationMetrics,
  NotificationDispatcher,
  NotificationPlanner,
];
