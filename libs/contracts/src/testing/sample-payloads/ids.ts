import { EVENT_TYPES, EventPayloads, EventType } from '../../registry';
import { TopicName } from '../../topics';

// Ids the samples share, so one event's sample names the case, order or test of another's.
export const CASE = '3f1c2a4e-8b7d-4c1a-9e2f-0a1b2c3d4e5f';
export const QUARANTINE = '9b2d7e61-5c3a-4f8e-b1d2-6e7f8a9b0c1d';
export const TEST = 'c4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70';
export const ISOLATION = '5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f';
export const FOLLOW_UP = 'e1f2a3b4-c5d6-4e7f-9a0b-1c2d3e4f5a6b';

/** One sample per event type on topic T: the compiler demands one for every type the registry puts there. */
export type SamplesOn<T extends TopicName> = {
  [K in EventType as (typeof EVENT_TYPES)[K]['topic'] extends T ? K : never]: EventPayloads[K];
};
