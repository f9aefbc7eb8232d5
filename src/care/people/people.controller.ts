import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../workspaces/api-keys.service';
import { Auth } from '../../workspaces/auth/auth.decorators';
import { CasesService } from '../cases.service';
import { AuthorRefDto, CreatePersonDto, PersonAuthorParams, PersonParams } from './people.dto';
import { PeopleService } from './people.service';

/**
 * Cross-network identity: the same person's authors on different networks, linked by the
 * workspace. Any role may link: the agent reading the conversation is who recognises the customer.
 */
@ApiTags('people')
@ApiBearerAuth()
@Controller('api/v1')
export class PeopleController {
  constructor(
    private readonly people: PeopleService,
    private readonly cases: CasesService,
  ) {}

  @Post('people')
  @ApiOperation({
    summary:
      'Link authors on different networks as one person (each by its author id or handle, each the customer of a case here); 409 when an author already belongs to another person',
  })
  create(@Auth() auth: AuthContext, @Body() dto: CreatePersonDto) {
    return this.people.create(auth.workspaceId, dto.authors, auth.keyId);
  }

  @Get('people/:id')
  @ApiOperation({ summary: "A person's linked authors, with their handles and names" })
  get(@Auth() auth: AuthContext, @Param() p: PersonParams) {
    return this.people.get(auth.workspaceId, p.id);
  }

  @Post('people/:id/authors')
  @HttpCode(200)
  @ApiOperation({ summary: 'Link one more author to the person' })
  add(@Auth() auth: AuthContext, @Param() p: PersonParams, @Body() dto: AuthorRefDto) {
    return this.people.addAuthor(auth.workspaceId, p.id, dto, auth.keyId);
  }

  @Delete('people/:id/authors/:platform/:authorId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unlink an author from the person; a person left with one author is dissolved (`dissolved: true`)' })
  unlink(@Auth() auth: AuthContext, @Param() p: PersonAuthorParams) {
    return this.people.unlink(auth.workspaceId, p.id, { platform: p.platform, authorId: p.authorId });
  }

  @Get('cases/:id/person')
  @ApiOperation({ summary: "The person the case's customer is linked to (every identity), or `person: null`" })
  async ofCase(@Auth() auth: AuthContext, @Param('id') id: string) {
    const c = await this.cases.get(auth.workspaceId, id);
    const customer = { platform: c.platform, authorId: c.customer.externalId };
    return { customer, person: await this.people.ofAuthor(auth.workspaceId, customer) };
  }
}
