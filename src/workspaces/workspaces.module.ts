import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyGuard } from './auth/api-key.guard';
import { DefaultWorkspaceBootstrap } from './default-workspace.bootstrap';
import { ApiKey, ApiKeySchema } from './schemas/api-key.schema';
import { Workspace, WorkspaceSchema } from './schemas/workspace.schema';
import { WorkspacesController } from './workspaces.controller';
import { WorkspacesService } from './workspaces.service';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Workspace.name, schema: WorkspaceSchema },
      { name: ApiKey.name, schema: ApiKeySchema },
    ]),
  ],
  controllers: [WorkspacesController, ApiKeysController],
  providers: [WorkspacesService, ApiKeysService, DefaultWorkspaceBootstrap, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [WorkspacesService, ApiKeysService, DefaultWorkspaceBootstrap],
})
export class WorkspacesModule {}
