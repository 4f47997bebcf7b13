import { Roles } from '@ct/platform';
import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReleaseQuarantinesJob } from './release-quarantines.job';

@ApiTags('quarantines')
@Controller('quarantines/release-pass')
export class ReleaseQuarantinesHttpController {
  constructor(private readonly job: ReleaseQuarantinesJob) {}

  @Post()
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Run the release pass now (it also runs every QUARANTINE_RELEASE_INTERVAL_SECONDS): releases, F2 clearances, overdue flags',
  })
  run() {
    return this.job.run();
  }
}
