import {
  CareEscalated,
  FacilityBedsChanged,
  FollowUpMissed,
  HealthCheckRecorded,
  IsolationEnded,
  IsolationOrdered,
  IsolationTransferred,
} from './events/care.v1';
import { certainFollowUpMissed, certainHealthCheckRecorded } from './events/care.v1.certain';
import { certainCheckInRecorded, CheckInRecorded } from './events/checkins.v1';
import { CaseClosed, CaseConfirmed, ContactDeclared, PersonProfileChanged, ArrivalRegistered } from './events/cases.v1';
import {
  certainContactIdentified,
  ContactIdentified,
  ContactWithdrawn,
  ExposureSiteVisitorIdentified,
  ScreeningGroupResolved,
} from './events/contacts.v1';
import {
  ArrivalDecided,
  certainQuarantineOrdered,
  QuarantineEnded,
  QuarantineExtended,
  QuarantineOrdered,
  QuarantineTransferred,
} from './events/quarantine.v1';
import { EpidemicLevelChanged } from './events/surveillance.v1';
import { LabResultMatched } from './events/lab-results';
import { certainTestScheduled, ScreeningGroupRequested, TestResultRecorded, TestScheduled } from './events/testing.v1';
import { TopicName, Topics } from './topics';

export interface EventDefinition<T extends object, P extends TopicName = TopicName> {
  topic: P;
  payload: new () => T;
  /** The message key; why each topic is keyed so is written next to the topic in topics.ts. */
  key: (payload: T) => string;
  /** Optional fast path: the payload when certainly valid, else null (then class-validator decides). */
  certain?: (plain: Record<string, unknown>) => T | null;
}

function define<T extends object, P extends TopicName>(
  topic: P,
  payload: new () => T,
  key: (p: T) => string,
  certain?: (plain: Record<string, unknown>) => T | null,
): EventDefinition<T, P> {
  return { topic, payload, key, certain };
}

/** Every event type of version 1: its topic, payload class and message key. */
export const EVENT_TYPES = {
  CheckInRecorded: define(Topics.CHECKINS, CheckInRecorded, (p) => p.venueId, certainCheckInRecorded),
  CaseConfirmed: define(Topics.CASES, CaseConfirmed, (p) => p.personId),
  CaseClosed: define(Topics.CASES, CaseClosed, (p) => p.personId),
  ContactDeclared: define(Topics.CASES, ContactDeclared, (p) => p.sourcePersonId),
  PersonProfileChanged: define(Topics.CASES, PersonProfileChanged, (p) => p.personId),
  LabResultMatched: define(Topics.CASES, LabResultMatched, (p) => p.personId),
  ArrivalRegistered: define(Topics.CASES, ArrivalRegistered, (p) => p.personId),
  ContactIdentified: define(Topics.CONTACTS, ContactIdentified, (p) => p.personId, certainContactIdentified),
  ContactWithdrawn: define(Topics.CONTACTS, ContactWithdrawn, (p) => p.personId),
  ExposureSiteVisitorIdentified: define(Topics.CONTACTS, ExposureSiteVisitorIdentified, (p) => p.personId),
  // Key planId, not a person: the answer to one plan's request (see ScreeningGroupRequested).
  ScreeningGroupResolved: define(Topics.CONTACTS, ScreeningGroupResolved, (p) => p.planId),
  QuarantineOrdered: define(Topics.QUARANTINE, QuarantineOrdered, (p) => p.personId, certainQuarantineOrdered),
  QuarantineExtended: define(Topics.QUARANTINE, QuarantineExtended, (p) => p.personId),
  QuarantineEnded: define(Topics.QUARANTINE, QuarantineEnded, (p) => p.personId),
  QuarantineTransferred: define(Topics.QUARANTINE, QuarantineTransferred, (p) => p.personId),
  ArrivalDecided: define(Topics.QUARANTINE, ArrivalDecided, (p) => p.personId),
  TestScheduled: define(Topics.TESTING, TestScheduled, (p) => p.personId, certainTestScheduled),
  TestResultRecorded: define(Topics.TESTING, TestResultRecorded, (p) => p.personId),
  // Key planId: a request about a group, not one person (issue 18).
  ScreeningGroupRequested: define(Topics.TESTING, ScreeningGroupRequested, (p) => p.planId),
  EpidemicLevelChanged: define(Topics.SURVEILLANCE, EpidemicLevelChanged, (p) => p.areaCode),
  IsolationOrdered: define(Topics.CARE, IsolationOrdered, (p) => p.personId),
  IsolationTransferred: define(Topics.CARE, IsolationTransferred, (p) => p.personId),
  IsolationEnded: define(Topics.CARE, IsolationEnded, (p) => p.personId),
  HealthCheckRecorded: define(Topics.CARE, HealthCheckRecorded, (p) => p.personId, certainHealthCheckRecorded),
  FollowUpMissed: define(Topics.CARE, FollowUpMissed, (p) => p.personId, certainFollowUpMissed),
  CareEscalated: define(Topics.CARE, CareEscalated, (p) => p.personId),
  // Key facilityId, not a person: a facility's bed figures (issue 16), so its changes stay in order.
  FacilityBedsChanged: define(Topics.CARE, FacilityBedsChanged, (p) => p.facilityId),
} as const;

export type EventPayloads = { [K in keyof typeof EVENT_TYPES]: InstanceType<(typeof EVENT_TYPES)[K]['payload']> };
export type EventType = keyof EventPayloads;

export const ALL_EVENT_TYPES = Object.keys(EVENT_TYPES) as EventType[];

export function isEventType(name: string): name is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_TYPES, name);
}

/** The event types a topic carries (a consumer of the whole topic, such as ops, handles all of them). */
export function eventTypesOf(topic: string): EventType[] {
  return ALL_EVENT_TYPES.filter((t) => EVENT_TYPES[t].topic === topic);
}

export interface EventMeta {
  id: string;
  type: EventType;
  /** The producing service as a URI reference, e.g. '/cases'. */
  source: string;
  /** When the event happened (ISO-8601 with timezone). */
  time: string;
  /** Shared by every event of one chain of causes; the first event's own id. */
  correlationId: string;
  /** The id of the event that caused this one; null for the first of a chain. */
  causationId: string | null;
}

export interface EventEnvelope<K extends EventType = EventType> {
  topic: TopicName;
  key: string;
  meta: EventMeta & { type: K };
  payload: EventPayloads[K];
}

/** Any one event; meta.type tells which. */
export type AnyEvent = { [K in EventType]: EventEnvelope<K> }[EventType];

/** TypeScript does not narrow a union on a nested property such as meta.type; this guard does. */
export function isEvent<K extends EventType>(
  event: AnyEvent,
  type: K,
): event is Extract<AnyEvent, { meta: { type: K } }> {
  return event.meta.type === type;
}
