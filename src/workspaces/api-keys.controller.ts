import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeysService, AuthContext } from './api-keys.service';
import { Auth, Roles } from './auth/auth.decorators';
import { CreateApiKeyDto } from './dto/api-key.dto';

@ApiTags('api-keys')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Issue a key for this workspace. The secret is in the answer once and never again.' })
  issue(@Auth() auth: AuthContext, @Body() dto: CreateApiKeyDto) {
    return this.apiKeys.issue(auth.workspaceId, dto.name, dto.role);
  }

  @Get()
  @ApiOperation({ summary: "This workspace's keys (without secrets)" })
  list(@Auth() auth: AuthContext) {
    return this.apiKeys.list(auth.workspaceId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key of this workspace' })
  async revoke(@Auth() auth: AuthContext, @Param('id') id: string) {
    await this.apiKeys.revoke(auth.workspaceId, id);
  }
}
