import { Module } from '@nestjs/common';
import { MentionsModule } from '../mentions/mentions.module';
import { TopicsModule } from '../topics/topics.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { ThemeRollupsModule } from './theme-rollups.module';
import { ThemesController } from './themes.controller';
import { ThemesService } from './themes.service';

/** The themes report and spike explanations (issue #19); counting lives in ThemeRollupsModule. */
@Module({
  imports: [ThemeRollupsModule, MentionsModule, TopicsModule, WorkspacesModule],
  controllers: [ThemesController],
  providers: [ThemesService],
  exports: [ThemesService],
})
export class ThemesModule {}
