import { Roles } from '@ct/platform';
import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ScreeningRoundsJob } from './screening-rounds.job';

@ApiTags('screening')
@Controller('screening-plans/rounds-pass')
export class RunRoundsHttpController {
  constructor(private readonly rounds: ScreeningRoundsJob) {}

  @Post()
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Make the rounds due now (it also runs every QUARANTINE_SCREENING_INTERVAL_SECONDS)' })
  run() {
    return this.rounds.run();
  }
}
