import { CalendarDate, NonNegative, OneOf, Text, Timestamp } from '../validation';

/** 1 = low risk (green) … 4 = very high risk (red). */
export const EPIDEMIC_LEVELS = [1, 2, 3, 4] as const;
export type EpidemicLevel = (typeof EPIDEMIC_LEVELS)[number];

export class EpidemicLevelChanged {
  @Text(32) areaCode: string;
  /** null: the area's first assessment. */
  @OneOf(EPIDEMIC_LEVELS, { nullable: true }) previousLevel: EpidemicLevel | null;
  @OneOf(EPIDEMIC_LEVELS) level: EpidemicLevel;
  @CalendarDate() weekStart: string;
  @NonNegative() casesPer100k: number;
  @Timestamp() changedAt: string;
}
