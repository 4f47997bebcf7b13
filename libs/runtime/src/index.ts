export * from './bootstrap';
export * from './health.controller';
export * from './service-core.module';
export * from './tokens';
export * from './domain-error.filter';
export * from './metrics';
