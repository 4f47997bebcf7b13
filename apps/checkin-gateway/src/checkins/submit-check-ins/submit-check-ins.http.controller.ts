import { CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { BadRequestException, Body, Controller, Headers, HttpCode, HttpException, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiTags,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import { MAX_ITEMS, parseBody } from '../domain/intake';
import { SubmitCheckIns, SubmitCheckInsResult } from './submit-check-ins.command';
import { CheckInItemDto, SubmitCheckInsResponseDto } from './submit-check-ins.request.dto';

@ApiTags('check-ins')
@ApiExtraModels(CheckInItemDto)
@Controller('checkins')
export class SubmitCheckInsHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('feed')
  @HttpCode(202)
  @ApiOperation({
    summary: `Submit up to ${MAX_ITEMS} check-ins (JSON array, or NDJSON with Content-Type application/x-ndjson)`,
    description:
      'Valid items are published to checkins.v1; each invalid item is reported by index with the fields at fault and never blocks the others. More than 10,000 items: 413. A body that is not JSON: 400.',
  })
  @ApiConsumes('application/json', 'application/x-ndjson')
  @ApiBody({ schema: { type: 'array', maxItems: MAX_ITEMS, items: { $ref: getSchemaPath(CheckInItemDto) } } })
  @ApiAcceptedResponse({ type: SubmitCheckInsResponseDto })
  async submit(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SubmitCheckInsResult> {
    // The service's configure() hands this route the raw text (see checkin-gateway service.ts).
    if (typeof body !== 'string') {
      throw new BadRequestException(
        'send a JSON array of check-ins (Content-Type application/json) or NDJSON (application/x-ndjson)',
      );
    }
    const parsed = parseBody(contentType, body);
    if (!parsed.ok)
      throw new HttpException(
        {
          statusCode: parsed.status,
          error: parsed.status === 413 ? 'Payload Too Large' : 'Bad Request',
          message: parsed.message,
        },
        parsed.status,
      );
    return this.commands.execute(new SubmitCheckIns(parsed.items, parsed.unreadable, `feed:${principal.subject}`));
  }
}
