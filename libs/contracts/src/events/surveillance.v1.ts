import { CalendarDate, NonNegative, OneOf, Text, Timestamp } from '../validation';

/** 1 = low risk (green) … 4 = very high risk (red). */
export const EPIDEMIC_LEVELS = [1, 2, 3, 4] as const;
export type EpidemicLevel = (typeof EPIDEMIC_LEVELS)[number];

/** ASSESSED: computed by ops from the Resolution 128 criteria; DECLARED: set by the committee (an admin). */
export const LEVEL_SOURCES = ['ASSESSED', 'DECLARED'] as const;
export type LevelSource = (typeof LEVEL_SOURCES)[number];

export class EpidemicLevelChanged {
  @Text(32) areaCode: string;
  /** null: the area's first assessment. */
  @OneOf(EPIDEMIC_LEVELS, { nullable: true }) previousLevel: EpidemicLevel | null;
  @OneOf(EPIDEMIC_LEVELS) level: EpidemicLevel;
  @CalendarDate() weekStart: string;
  @NonNegative() casesPer100k: number;
  @Timestamp() changedAt: string;
  /** Added by issue 18; absent means ASSESSED (producers before it only assessed). */
  @OneOf(LEVEL_SOURCES, { optional: true }) source?: LevelSource | null;
  /** Why a committee declared the level (DECLARED only; no personal data). */
  @Text(500, { optional: true }) reason?: string | null;
  /** For a DECLARED change: the level the criteria give that week, kept visible beside it. */
  @OneOf(EPIDEMIC_LEVELS, { optional: true }) assessedLevel?: EpidemicLevel | null;
}
