import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CorrectionsPeriodQuery } from '../mentions/dto/correct-mention.dto';
import { MentionCorrectionsService } from '../mentions/mention-corrections.service';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth } from '../workspaces/auth/auth.decorators';
import { modelQuality } from './kpis/model-quality';

const DAY_MS = 24 * 3600_000;
const MAX_RANGE_MS = 400 * DAY_MS;

/** Resolves the period of the reviews: 30 days up to now unless given; at most 400 days. */
export function reviewPeriod(q: CorrectionsPeriodQuery, now = new Date()): { from: Date; to: Date } {
  const to = q.to ?? now;
  const from = q.from ?? new Date(to.getTime() - 30 * DAY_MS);
  if (from >= to) throw new BadRequestException('from: must be before to');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new BadRequestException('from: the range may span at most 400 days');
  return { from, to };
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/reports')
export class ModelQualityController {
  constructor(private readonly corrections: MentionCorrectionsService) {}

  @Get('model-quality')
  @ApiOperation({
    summary:
      "How good the sentiment and intent models are on this workspace's mentions: for each, the confusion matrix of the mentions agents reviewed in [from, to) (model's label × agent's), per-class precision and recall, macro-F1 (null where a denominator is zero) and the number of reviews",
  })
  async modelQuality(@Auth() auth: AuthContext, @Query() q: CorrectionsPeriodQuery) {
    const { from, to } = reviewPeriod(q);
    const rows = await this.corrections.reviewRows(auth.workspaceId, from, to, q.lang);
    return { range: { from, to, lang: q.lang ?? null }, ...modelQuality(rows) };
  }
}
