import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Inbox } from './inbox';
import { ConsumerStatus } from './consumer-status';
import { MessagingObserver } from './observer';
import { EventPublisher } from './publisher';
import { KafkaEventServer, KafkaEventServerDeps } from './server';

/** What a service chooses about its consumer; the rest (client, inbox, publisher, ...) comes from MessagingModule. */
export type EventServerSettings = Omit<
  KafkaEventServerDeps,
  'kafka' | 'tx' | 'inbox' | 'publisher' | 'observer' | 'status'
>;

/** Builds the service's Kafka transport from the module's own client, inbox, publisher, observer and status. */
@Injectable()
export class KafkaEventServerFactory {
  constructor(
    private readonly kafka: Kafka,
    private readonly tx: TransactionHost,
    private readonly inbox: Inbox,
    private readonly publisher: EventPublisher,
    private readonly observer: MessagingObserver,
    private readonly status: ConsumerStatus,
  ) {}

  create(settings: EventServerSettings): KafkaEventServer {
    return new KafkaEventServer({
      ...settings,
      kafka: this.kafka,
      tx: this.tx,
      inbox: this.inbox,
      publisher: this.publisher,
      observer: this.observer,
      status: this.status,
    });
  }
}
