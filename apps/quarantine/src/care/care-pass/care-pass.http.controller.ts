import { Roles } from '@ct/platform';
import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CarePassJob } from './care-pass.job';

@ApiTags('care')
@Controller('care/pass')
export class CarePassHttpController {
  constructor(private readonly job: CarePassJob) {}

  @Post()
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Run the care pass now (it also runs every CARE_PASS_INTERVAL_SECONDS): isolation releases and retests, beds, today’s follow-ups, missed and lost to follow-up',
  })
  run() {
    return this.job.run();
  }
}
