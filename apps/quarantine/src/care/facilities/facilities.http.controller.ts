import { CurrentPrincipal, Principal, Roles, ServiceClock, TransactionHost } from '@ct/platform';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsolationStore } from '../infrastructure/isolation.store';
import { FacilityBedsPublisher } from '../isolate-cases/facility-beds.publisher';
import { IsolationService } from '../isolate-cases/isolation.service';

export class FacilityRequest {
  @ApiProperty({ example: 'Quang Nam treatment facility 1' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: '49' })
  @IsString()
  @Length(1, 32)
  areaCode: string;

  @ApiProperty({ description: 'Beds', minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  capacity: number;
}

const FACILITY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export class FacilityParams {
  @Matches(FACILITY_ID, { message: 'id must be 1 to 128 letters, digits or . _ : -' })
  id: string;
}

@ApiTags('care')
@Controller('care/facilities')
export class FacilitiesHttpController {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: IsolationStore,
    private readonly isolation: IsolationService,
    private readonly clock: ServiceClock,
    private readonly beds: FacilityBedsPublisher,
  ) {}

  @Get()
  @Roles('quarantine', 'ops')
  @ApiOperation({
    summary: 'Treatment facilities with their capacity, occupied and free beds, and people waiting for a bed',
  })
  list() {
    return this.tx.run(async (m) => {
      const items = await this.store.facilities();
      const [{ waiting }] = await m.query(
        `SELECT count(*)::int AS waiting FROM quarantine.isolations WHERE status = 'ACTIVE' AND needs_bed`,
      );
      return { items: items.map((f) => ({ ...f, free: Math.max(0, f.capacity - f.occupied) })), waiting };
    });
  }

  @Put(':id')
  @Roles('admin')
  @ApiOperation({
    summary:
      'Create or change a treatment facility (capacity per area); new beds go to people waiting (BED_ASSIGNED); FacilityBedsChanged on care.v1',
  })
  set(@Param() p: FacilityParams, @Body() b: FacilityRequest, @CurrentPrincipal() who: Principal) {
    return this.tx.run(async () => {
      await this.store.upsertFacility({ id: p.id, ...b }, who.subject, this.clock.now());
      const touched = new Set([p.id]);
      const assigned = await this.isolation.assignBeds({}, touched);
      await this.beds.changed(touched, {});
      return { id: p.id, ...b, assigned };
    });
  }
}
