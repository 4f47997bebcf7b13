export * from './topics';
export * from './events/checkins.v1';
export * from './events/cases.v1';
export * from './events/contacts.v1';
export * from './events/quarantine.v1';
export * from './events/testing.v1';
export * from './events/surveillance.v1';
export * from './events/care.v1';
export * from './events/care.v1.certain';
export * from './events/lab-results';
export * from './registry';
export * from './headers';
export * from './parse';
export {
  isTimestamp,
  isCalendarDate,
  IsTimestamp,
  IsCalendarDate,
  hasControlCharacters,
  NoControlCharacters,
  MAX_UTC_OFFSET_MINUTES,
} from './validation';
