import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth } from '../workspaces/auth/auth.decorators';
import { ExplainQuery, ThemesQuery } from './dto/themes-query.dto';
import { ThemesService } from './themes.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/reports/themes')
export class ThemesController {
  constructor(private readonly themes: ThemesService) {}

  @Get()
  @ApiOperation({
    summary:
      'Key phrases of [from, to) from the theme rollups: mentions, share, the previous period and change, sentiment, top intents, examples, and `emerging` (README "Themes")',
  })
  list(@Auth() auth: AuthContext, @Query() q: ThemesQuery) {
    return this.themes.themes(auth.workspaceId, q);
  }

  @Get('explain')
  @ApiOperation({
    summary: 'What a window talked about more (`grew`) and less (`shrank`) than its baseline, by share of mentions in percentage points',
  })
  explain(@Auth() auth: AuthContext, @Query() q: ExplainQuery) {
    return this.themes.explain(auth.workspaceId, q);
  }
}
