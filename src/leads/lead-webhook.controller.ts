import { Body, Controller, Headers, Param, Post, Req, type RawBodyRequest, UnsupportedMediaTypeException } from '@nestjs/common';
import { ApiConflictResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { SIGNATURE_HEADER, SIGNATURE_TIMESTAMP_HEADER, SIGNATURE_TOLERANCE_SECONDS } from '../common/signed-webhooks';
import { Public } from '../workspaces/auth/auth.decorators';
import { LeadInputDto } from './dto/lead.dto';
import { JsonIngest } from '../inputs/ingest-routes';
import { answerIngest, batchFromJson } from '../inputs/record-batch';
import { LeadsService } from './leads.service';

/** Leads pushed by a site or CRM that holds the workspace's webhook secret instead of an API key. */
@ApiTags('leads')
@Controller('api/v1/webhooks/leads')
export class LeadWebhookController {
  constructor(private readonly leads: LeadsService) {}

  @Post(':workspaceId')
  @Public()
  @JsonIngest(
    'leads through a signed webhook (no API key)',
    LeadInputDto,
    `A bad or missing signature, or a timestamp more than ${SIGNATURE_TOLERANCE_SECONDS} s from now, is a 401 and stores nothing.`,
  )
  @ApiHeader({
    name: 'X-Signature-Timestamp',
    required: true,
    description: `unix seconds when the request was signed; refused when more than ${SIGNATURE_TOLERANCE_SECONDS} s from the server's clock`,
  })
  @ApiHeader({
    name: 'X-Signature',
    required: true,
    description: 'sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>", keyed with the workspace\'s webhook secret>',
  })
  @ApiConflictResponse({ description: 'the same signed request was already received (a replay): nothing stored' })
  async receive(
    @Param('workspaceId') workspaceId: string,
    @Headers(SIGNATURE_HEADER) signature: string | undefined,
    @Headers(SIGNATURE_TIMESTAMP_HEADER) timestamp: string | undefined,
    @Req() req: RawBodyRequest<Request>,
    @Body() body: unknown,
  ) {
    if (!req.is('application/json')) throw new UnsupportedMediaTypeException('send the leads as application/json');
    const receipt = await this.leads.acceptWebhook(workspaceId, req.rawBody, { signature, timestamp });
    try {
      const batch = batchFromJson(body);
      return answerIngest(batch, await this.leads.ingest(workspaceId, batch));
    } catch (err) {
      await this.leads.forgetWebhook(receipt).catch(() => undefined);
      throw err;
    }
  }
}
