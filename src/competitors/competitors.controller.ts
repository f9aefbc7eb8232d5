import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth } from '../workspaces/auth/auth.decorators';
import { CompetitorsService } from './competitors.service';
import { AuthorsQuery, PublicCareQuery, ShareOfVoiceQuery, ShareOfVoiceSeriesQuery } from './dto/competitors-query.dto';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/reports')
export class CompetitorsController {
  constructor(private readonly competitors: CompetitorsService) {}

  @Get('share-of-voice')
  @ApiOperation({
    summary:
      'Per topic (brand, then competitors): mentions, share of voice (summing to 100 %), positive and negative share, net sentiment, engagement on its own posts, public care (reply rate, first response), with drill-down links',
  })
  shareOfVoice(@Auth() auth: AuthContext, @Query() q: ShareOfVoiceQuery) {
    return this.competitors.shareOfVoice(auth.workspaceId, q);
  }

  @Get('share-of-voice/timeseries')
  @ApiOperation({
    summary: 'Share of voice per topic per local hour or day: `points: [{ t, mentions: { topicId: n }, share: { topicId: % } }]`',
  })
  series(@Auth() auth: AuthContext, @Query() q: ShareOfVoiceSeriesQuery) {
    return this.competitors.series(auth.workspaceId, q);
  }

  @Get('share-of-voice/public-care')
  @ApiOperation({
    summary:
      "The rows behind a topic's public care: the brand's cases, or a competitor's public cases rebuilt from its mentions and replies, with their messages",
  })
  publicCare(@Auth() auth: AuthContext, @Query() q: PublicCareQuery) {
    return this.competitors.publicCare(auth.workspaceId, q);
  }

  @Get('authors')
  @ApiOperation({
    summary:
      'Influential authors of the period: followers, mentions, engagement their mentions earned, sentiment, open case and VIP status; sort by reach, engagement or mentions',
  })
  authors(@Auth() auth: AuthContext, @Query() q: AuthorsQuery) {
    return this.competitors.authors(auth.workspaceId, q);
  }
}
