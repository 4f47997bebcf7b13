import { createEvent, EpidemicLevel } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { ServiceClock, TransactionHost } from '@ct/platform';
import { Injectable, Logger } from '@nestjs/common';
import { SurveillanceService } from '../../surveillance/surveillance.service';
import { LevelChangesStore } from '../infrastructure/level-changes.store';

/**
 * Resolution 128 leaves the level to the people's committee: an admin declares it, and it is
 * published as an EpidemicLevelChanged (source DECLARED) like an assessed change, with the level the
 * criteria give this week beside it. It stays in force until the next change, assessed or declared.
 */
@Injectable()
export class DeclareLevelService {
  private readonly logger = new Logger(DeclareLevelService.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
    private readonly clock: ServiceClock,
    private readonly surveillance: SurveillanceService,
    private readonly changes: LevelChangesStore,
  ) {}

  async declare(areaCode: string, level: EpidemicLevel, reason: string, by: string) {
    return this.tx.run(async () => {
      const assessed = await this.surveillance.level(areaCode); // 404 for an unknown area
      const current = (await this.changes.current([areaCode])).get(areaCode);
      const previousLevel = (current?.inForce.level ?? assessed.lastPublished?.level ?? null) as EpidemicLevel | null;
      const changedAt = this.clock.now().toISOString();
      const event = createEvent(
        'EpidemicLevelChanged',
        {
          areaCode,
          previousLevel,
          level,
          weekStart: assessed.weekStart,
          casesPer100k: assessed.casesPer100k,
          changedAt,
          source: 'DECLARED',
          reason,
          assessedLevel: assessed.level,
        },
        { source: '/ops', time: changedAt },
      );
      await this.changes.add({
        eventId: event.meta.id,
        areaCode,
        level,
        previousLevel,
        source: 'DECLARED',
        reason,
        assessedLevel: assessed.level,
        declaredBy: by,
        changedAt,
      });
      await this.outbox.add(event);
      this.logger.log({
        msg: 'epidemic level declared',
        areaCode,
        previousLevel,
        level,
        assessedLevel: assessed.level,
      });
      return {
        areaCode,
        level,
        previousLevel,
        source: 'DECLARED' as const,
        reason,
        assessedLevel: assessed.level,
        declaredBy: by,
        declaredAt: changedAt,
      };
    });
  }
}
