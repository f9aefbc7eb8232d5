import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { RateLimitModule } from '../http/rate-limit/rate-limit.module';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyGuard } from './auth/api-key.guard';
import { KeyStreamsInterceptor } from './auth/key-streams.interceptor';
import { LinkSigner } from './auth/link-signer';
import { DefaultWorkspaceBootstrap } from './default-workspace.bootstrap';
import { ApiKey, ApiKeySchema } from './schemas/api-key.schema';
import { Workspace, WorkspaceSchema } from './schemas/workspace.schema';
import { WorkspacesController } from './workspaces.controller';
import { WorkspacesService } from './workspaces.service';

@Module({
  imports: [
    // The API key guard counts failed authentications; the module also limits requests per key.
    RateLimitModule,
    MongooseModule.forFeature([
      { name: Workspace.name, schema: WorkspaceSchema },
      { name: ApiKey.name, schema: ApiKeySchema },
    ]),
  ],
  controllers: [WorkspacesController, ApiKeysController],
  providers: [
    WorkspacesService,
    ApiKeysService,
    DefaultWorkspaceBootstrap,
    LinkSigner,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_INTERCEPTOR, useClass: KeyStreamsInterceptor },
  ],
  exports: [WorkspacesService, ApiKeysService, DefaultWorkspaceBootstrap, LinkSigner],
})
export class WorkspacesModule {}
