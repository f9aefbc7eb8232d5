import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import { CreateTopicDto, UpdateTopicDto } from './dto/topic.dto';
import { TopicsService } from './topics.service';

@ApiTags('topics')
@ApiBearerAuth()
@Controller('api/v1/topics')
export class TopicsController {
  constructor(private readonly topics: TopicsService) {}

  @Post()
  @Roles('admin', 'analyst')
  @ApiOperation({
    summary: 'Create a listening topic: an X search query, languages, and the brand accounts whose posts and replies are collected',
  })
  create(@Auth() auth: AuthContext, @Body() dto: CreateTopicDto) {
    return this.topics.create(auth.workspaceId, dto);
  }

  @Get()
  @ApiOperation({ summary: "This workspace's topics" })
  list(@Auth() auth: AuthContext) {
    return this.topics.list(auth.workspaceId);
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.topics.get(auth.workspaceId, id);
  }

  @Patch(':id')
  @Roles('admin', 'analyst')
  update(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: UpdateTopicDto) {
    return this.topics.update(auth.workspaceId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin', 'analyst')
  async remove(@Auth() auth: AuthContext, @Param('id') id: string) {
    await this.topics.remove(auth.workspaceId, id);
  }
}
