import { Injectable } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager } from 'typeorm';

/**
 * One unit of work per async call chain. A Kafka handler, a command handler, the inbox record and
 * the outbox rows all reach the same transaction through `manager`, without passing it around.
 */
@Injectable()
export class TransactionHost {
  private readonly store = new AsyncLocalStorage<EntityManager>();

  constructor(readonly dataSource: DataSource) {}

  /** The current transaction's manager, or the pool's when no transaction is open. */
  get manager(): EntityManager {
    return this.store.getStore() ?? this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return this.store.getStore() !== undefined;
  }

  /** Runs fn in a transaction, joining the caller's when there is one. */
  async run<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    const current = this.store.getStore();
    if (current) return fn(current);
    return this.dataSource.transaction((manager) => this.store.run(manager, () => fn(manager)));
  }
}
