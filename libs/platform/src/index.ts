export * from './auth';
export * from './config';
export * from './database';
export * from './env';
export * from './http-errors';
export * from './logger';
export * from './transaction-host';
export * from './domain-error';
