import { BadRequestException, Body, Controller, Get, NotFoundException, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, Max, Min, ValidateIf } from 'class-validator';
import { isValidObjectId } from 'mongoose';
import type { Platform } from '../topics/schemas/topic.schema';
import { InstallationAdmin } from '../workspaces/auth/auth.decorators';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { BUDGETED_PLATFORMS, ReadQuotasService } from './read-quotas.service';

export class SetReadQuotaBody {
  @ApiProperty({
    nullable: true,
    description:
      'posts this workspace may read per month (UTC) on the network; 0 = no cap of its own (the installation cap still holds); null = back to the default',
    example: 5000,
  })
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  monthlyReadCap!: number | null;
}

/** Each workspace's share of the installation's paid network reads, set by the installation admin. */
@ApiTags('workspaces')
@ApiBearerAuth()
@Controller('api/v1/workspaces/:id/quotas')
export class ReadQuotasController {
  constructor(
    private readonly quotas: ReadQuotasService,
    private readonly workspaces: WorkspacesService,
  ) {}

  @Get()
  @InstallationAdmin()
  @ApiOperation({
    summary:
      "A workspace's monthly read cap per paid network, where it comes from, and its and the installation's reads this month (installation admins only)",
  })
  async list(@Param('id') id: string) {
    await this.workspace(id);
    return { data: await this.quotas.list(id) };
  }

  @Put(':platform')
  @InstallationAdmin()
  @ApiOperation({
    summary:
      "Set or clear a workspace's monthly read cap on a paid network (installation admins only); collection checks it before each page",
  })
  async set(@Param('id') id: string, @Param('platform') platform: string, @Body() body: SetReadQuotaBody) {
    await this.workspace(id);
    if (!BUDGETED_PLATFORMS.includes(platform as Platform)) {
      throw new BadRequestException(`platform must be one of ${BUDGETED_PLATFORMS.join(', ')} (the networks whose reads are paid for)`);
    }
    return this.quotas.setOverride(id, platform as Platform, body.monthlyReadCap);
  }

  private async workspace(id: string) {
    if (!isValidObjectId(id)) throw new NotFoundException('workspace not found');
    await this.workspaces.get(id);
  }
}
