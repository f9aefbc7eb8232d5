import { Controller, Get, Header, Headers, HttpCode, Post, Query, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiForbiddenResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../workspaces/auth/auth.decorators';
import { META_SIGNATURE_HEADER } from './meta-signature';
import { MetaWebhooksService } from './meta-webhooks.service';

/**
 * Meta's webhook callback (Page `feed`, Instagram `comments` and `mentions`, WhatsApp `messages`).
 * Not behind an API key, and not counted against any key's rate limit: Meta proves itself with the
 * verify token (handshake) and the app secret's signature (every delivery).
 */
@ApiTags('webhooks')
@Controller('api/v1/webhooks/meta')
export class MetaWebhooksController {
  constructor(private readonly webhooks: MetaWebhooksService) {}

  @Get()
  @Public()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: "Meta's subscription handshake: answers hub.challenge when hub.verify_token is META_WEBHOOK_VERIFY_TOKEN" })
  @ApiQuery({ name: 'hub.mode', required: true, example: 'subscribe' })
  @ApiQuery({ name: 'hub.verify_token', required: true })
  @ApiQuery({ name: 'hub.challenge', required: true })
  @ApiOkResponse({ description: 'the challenge, as text/plain' })
  @ApiForbiddenResponse({ description: 'wrong mode or verify token' })
  verify(@Query('hub.mode') mode?: string, @Query('hub.verify_token') token?: string, @Query('hub.challenge') challenge?: string): string {
    return this.webhooks.verifySubscription(mode, token, challenge);
  }

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'a signed change notification from Meta; answered at once, processed from the queue' })
  @ApiHeader({
    name: 'X-Hub-Signature-256',
    required: true,
    description: 'sha256=<hex HMAC-SHA256 of the raw body, keyed with META_APP_SECRET>',
  })
  @ApiOkResponse({ description: 'queued: { received: true }' })
  @ApiUnauthorizedResponse({ description: 'unsigned, or the signature does not match: nothing is read or stored' })
  async receive(@Headers(META_SIGNATURE_HEADER) signature: string | undefined, @Req() req: RawBodyRequest<Request>) {
    await this.webhooks.accept(req.rawBody, signature);
    return { received: true };
  }
}
