import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CorrectionExportRow, MentionCorrectionsService } from '../mentions/mention-corrections.service';
import type { AuthContext } from '../workspaces/api-keys.service';
import { AllowQueryToken, Auth, SignedLink } from '../workspaces/auth/auth.decorators';
import { CsvColumn, sendCsv } from './csv-response';
import { CorrectionsExportQuery } from './dto/export-query.dto';

/**
 * The columns `npm run train:sentiment|train:intent -- --corrections FILE` read: `text`, `lang`,
 * and the agent's `sentiment` / `intent`, empty where the agent did not review that label (the
 * model's own label is no lesson for it), plus the model's labels, who and when.
 */
export const CORRECTION_COLUMNS: CsvColumn<CorrectionExportRow>[] = [
  { header: 'mentionId', value: (r) => r.mentionId },
  { header: 'platform', value: (r) => r.platform },
  { header: 'createdAt', value: (r) => r.createdAt },
  { header: 'lang', value: (r) => r.lang },
  { header: 'sentiment', value: (r) => r.sentiment },
  { header: 'intent', value: (r) => r.intent },
  { header: 'predictedSentiment', value: (r) => r.predictedSentiment },
  { header: 'predictedIntent', value: (r) => r.predictedIntent },
  { header: 'correctedBy', value: (r) => r.correctedBy },
  { header: 'correctedAt', value: (r) => r.correctedAt },
  { header: 'text', value: (r) => r.text },
];

@ApiTags('exports')
@ApiBearerAuth()
@ApiProduces('text/csv')
@Controller('api/v1/exports')
export class CorrectionsExportController {
  constructor(private readonly corrections: MentionCorrectionsService) {}

  @Get('corrections.csv')
  @SignedLink('corrections')
  @AllowQueryToken()
  @ApiOperation({
    summary:
      "Mentions agents reviewed (all time unless from/to), oldest review first: the agent's labels beside the model's, for retraining",
  })
  async correctionsCsv(@Auth() auth: AuthContext, @Query() q: CorrectionsExportQuery, @Res() res: Response) {
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(0);
    if (from >= to) throw new BadRequestException('from: must be before to');
    await sendCsv(res, 'corrections.csv', CORRECTION_COLUMNS, this.corrections.exportRows(auth.workspaceId, from, to, q.lang));
  }
}
