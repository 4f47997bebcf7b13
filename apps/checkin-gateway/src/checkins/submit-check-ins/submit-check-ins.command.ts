import { Command } from '@nestjs/cqrs';

export interface ItemError {
  index: number;
  fields: { field: string; problems: string[] }[];
}

export interface SubmitCheckInsResult {
  accepted: number;
  rejected: number;
  errors: ItemError[];
}

/** Publish a feed's check-ins to checkins.v1; each invalid item is reported, never blocking the rest. */
export class SubmitCheckIns extends Command<SubmitCheckInsResult> {
  constructor(
    readonly items: unknown[],
    /** Items already known to be unreadable (NDJSON lines that are not JSON), by index. */
    readonly unreadable: Map<number, string>,
    /** The feed's identity (token subject), the default `source`. */
    readonly feed: string,
  ) {
    super();
  }
}
