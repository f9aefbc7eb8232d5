import { Body, Controller, Headers, Param, Post, Req, type RawBodyRequest, UnsupportedMediaTypeException } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../workspaces/auth/auth.decorators';
import { LeadInputDto } from './dto/lead.dto';
import { JsonIngest } from '../inputs/ingest-routes';
import { answerIngest, batchFromJson } from '../inputs/record-batch';
import { LeadsService } from './leads.service';
import { SIGNATURE_HEADER } from './webhook-signature';

/** Leads pushed by a site or CRM that holds the workspace's webhook secret instead of an API key. */
@ApiTags('leads')
@Controller('api/v1/webhooks/leads')
export class LeadWebhookController {
  constructor(private readonly leads: LeadsService) {}

  @Post(':workspaceId')
  @Public()
  @JsonIngest('leads through a signed webhook (no API key)', LeadInputDto, 'A bad or missing signature is a 401 and stores nothing.')
  @ApiHeader({ name: 'X-Signature', required: true, description: "sha256=<hex HMAC-SHA256 of the raw body, keyed with the workspace's webhook secret>" })
  async receive(
    @Param('workspaceId') workspaceId: string,
    @Headers(SIGNATURE_HEADER) signature: string | undefined,
    @Req() req: RawBodyRequest<Request>,
    @Body() body: unknown,
  ) {
    if (!req.is('application/json')) throw new UnsupportedMediaTypeException('send the leads as application/json');
    await this.leads.verifyWebhook(workspaceId, req.rawBody, signature);
    const batch = batchFromJson(body);
    return answerIngest(batch, await this.leads.ingest(workspaceId, batch));
  }
}
