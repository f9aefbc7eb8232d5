import { Controller, Delete, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import { AuthorParams } from './dto/triage.dto';
import { VipAuthorsService } from './vip-authors.service';

/** VIP authors: marked by an analyst or admin (a business decision, not an agent's), read by every role in the inbox. */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/v1/authors')
export class VipAuthorsController {
  constructor(private readonly vips: VipAuthorsService) {}

  @Put(':platform/:authorId/vip')
  @Roles('admin', 'analyst')
  @ApiOperation({ summary: "Mark an author as VIP in this workspace (their cases rank higher); the author id is the network's" })
  mark(@Auth() auth: AuthContext, @Param() p: AuthorParams) {
    return this.vips.mark(auth.workspaceId, p.platform, p.authorId, auth.keyId);
  }

  @Delete(':platform/:authorId/vip')
  @Roles('admin', 'analyst')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unmark a VIP author' })
  unmark(@Auth() auth: AuthContext, @Param() p: AuthorParams) {
    return this.vips.unmark(auth.workspaceId, p.platform, p.authorId);
  }
}
