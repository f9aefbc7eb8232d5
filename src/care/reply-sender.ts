import { BadGatewayException, BadRequestException, HttpException, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ReplyNotSentError, ReplyRefusedError } from '../collectors/collector';
import { REPLY_PUBLISHERS, type ReplyPublisher } from '../collectors/reply-publisher';
import { PLATFORM_NAMES, type Platform } from '../common/platform';
import { AgentsService } from './agents/agents.service';
import { CasesService } from './cases.service';

/**
 * Sends an agent's reply on the case's network, in answer to the customer's latest message there,
 * then records it on the case with the post's id, so the collector counts it once when it reads
 * the brand's feed. A network whose credentials cannot post (X's app-only token) is refused, with
 * how to record the reply instead.
 */
@Injectable()
export class CareReplySender {
  constructor(
    @Inject(REPLY_PUBLISHERS) private readonly publishers: ReplyPublisher[],
    private readonly cases: CasesService,
    private readonly agents: AgentsService,
  ) {}

  async send(workspaceId: string, caseId: string, reply: { text: string; agentId?: string }) {
    const current = await this.cases.get(workspaceId, caseId);
    const network = PLATFORM_NAMES[current.platform as Platform] ?? current.platform;
    const publisher = this.publishers.find((p) => p.platform === current.platform);
    if (!publisher) {
      throw new UnprocessableEntityException(
        `send: replies cannot be sent on ${network} from Ouvidor (X's app-only token cannot post); reply on ${network} and record it without "send"`,
      );
    }
    if (!publisher.configured) throw new UnprocessableEntityException(`send: ${network} is not configured on this installation`);
    const limit = publisher.replyLimit;
    const { max, unit } = limit;
    const length = limit.measure({ text: reply.text, customerHandle: current.customer.handle });
    if (length > max) throw new BadRequestException(`text: at most ${max} ${unit} on ${network} (this reply has ${length})`);
    if (reply.agentId && !(await this.agents.find(workspaceId, reply.agentId)))
      throw new BadRequestException(`agentId: agent ${reply.agentId} not found in this workspace`);
    const answered = [...(current.messages ?? [])].reverse().find((m) => m.direction === 'inbound' && m.externalId);
    if (!answered?.externalId) throw new UnprocessableEntityException(`send: the case has no message from ${network} to answer`);

    let sent;
    try {
      sent = await publisher.sendReply({
        inReplyToExternalId: answered.externalId,
        customerHandle: current.customer.handle,
        text: reply.text,
        // the same reply to the same message is the same post, however often it is retried
        idempotencyKey: createHash('sha256').update(`${caseId}|${answered.externalId}|${reply.text}`).digest('hex'),
        inReplyToAt: answered.at,
      });
    } catch (err) {
      if (err instanceof ReplyRefusedError) throw new HttpException(err.message, err.status);
      if (err instanceof ReplyNotSentError) throw new BadGatewayException(err.message);
      throw err;
    }
    return this.cases.recordReply(
      workspaceId,
      caseId,
      { text: reply.text, agentId: reply.agentId, externalId: sent.externalId, at: sent.at },
      { url: sent.url },
    );
  }
}
