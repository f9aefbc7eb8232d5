import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Types } from 'mongoose';
import { PLATFORM_NAMES, type Platform } from '../../common/platform';
import { CasesRepository } from '../cases.repository';
import { AuthorLinksRepository } from './author-links.repository';
import { AuthorRefDto } from './people.dto';
import { afterUnlink, authorKey, distinctAuthors, MAX_IDENTITIES, MIN_IDENTITIES, planLink, type AuthorKey } from './people';

export interface PersonIdentity extends AuthorKey {
  handle: string | null;
  name: string | null;
}
export interface PersonView {
  id: string;
  authors: PersonIdentity[];
}

const networkName = (platform: string) => PLATFORM_NAMES[platform as Platform] ?? platform;
const describe = (a: AuthorKey) => `${networkName(a.platform)} author ${a.authorId}`;

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/**
 * The workspace's people: authors on different networks linked as one person. An author is
 * linked only once a case of the workspace has them as its customer (the inbox is where people
 * are recognised, and it keeps typos out); one author belongs to one person at most.
 */
@Injectable()
export class PeopleService {
  constructor(
    private readonly links: AuthorLinksRepository,
    private readonly cases: CasesRepository,
  ) {}

  /** Turns each reference (author id or handle) into the network's author id, or a 400 naming the field. */
  private async resolve(workspaceId: string, refs: AuthorRefDto[], field: (i: number) => string): Promise<AuthorKey[]> {
    const out: AuthorKey[] = [];
    for (const [i, ref] of refs.entries()) {
      const by = ref.authorId !== undefined ? { authorId: ref.authorId } : { handle: (ref.handle ?? '').replace(/^@/, '') };
      const customer = await this.cases.customer(workspaceId, ref.platform, by);
      if (!customer) {
        const who = 'authorId' in by ? `author ${by.authorId}` : `@${by.handle}`;
        throw new BadRequestException(`${field(i)}: no case of this workspace has ${who} on ${networkName(ref.platform)} as its customer`);
      }
      out.push({ platform: ref.platform, authorId: customer.externalId });
    }
    return out;
  }

  private async view(workspaceId: string, personId: string, identities: AuthorKey[]): Promise<PersonView> {
    const authors: PersonIdentity[] = [];
    for (const a of identities) {
      const c = await this.cases.customer(workspaceId, a.platform, { authorId: a.authorId });
      authors.push({ ...a, handle: c?.handle ?? null, name: c?.name ?? null });
    }
    return { id: personId, authors };
  }

  private async link(workspaceId: string, personId: string | null, authors: AuthorKey[], by: string): Promise<string> {
    const owners = await this.links.personsOf(workspaceId, authors);
    const plan = planLink(personId, authors, owners);
    if (plan.conflict) {
      throw new ConflictException(
        `${describe(plan.conflict.author)} is already linked to person ${plan.conflict.personId}; unlink it there first`,
      );
    }
    const id = personId ?? new Types.ObjectId().toHexString();
    try {
      await this.links.add(workspaceId, id, plan.add, by);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      throw new ConflictException('one of these authors was linked to another person meanwhile; read the person again');
    }
    return id;
  }

  async create(workspaceId: string, refs: AuthorRefDto[], by: string): Promise<PersonView> {
    const authors = distinctAuthors(await this.resolve(workspaceId, refs, (i) => `authors[${i}]`));
    if (authors.length < MIN_IDENTITIES) throw new BadRequestException(`authors must name at least ${MIN_IDENTITIES} different authors`);
    const id = await this.link(workspaceId, null, authors, by);
    return this.get(workspaceId, id);
  }

  async get(workspaceId: string, personId: string): Promise<PersonView> {
    const identities = await this.links.identities(workspaceId, personId);
    if (identities.length === 0) throw new NotFoundException(`person ${personId} not found`);
    return this.view(workspaceId, personId, identities);
  }

  async addAuthor(workspaceId: string, personId: string, ref: AuthorRefDto, by: string): Promise<PersonView> {
    const current = await this.links.identities(workspaceId, personId);
    if (current.length === 0) throw new NotFoundException(`person ${personId} not found`);
    const [author] = await this.resolve(workspaceId, [ref], () => 'author');
    const adds = !current.some((a) => authorKey(a) === authorKey(author));
    if (adds && current.length >= MAX_IDENTITIES) throw new BadRequestException(`a person has at most ${MAX_IDENTITIES} authors`);
    await this.link(workspaceId, personId, [author], by);
    return this.get(workspaceId, personId);
  }

  /** Unlinks one author; a person left with a single author is dissolved (answers no authors). */
  async unlink(workspaceId: string, personId: string, author: AuthorKey): Promise<PersonView & { dissolved: boolean }> {
    const current = await this.links.identities(workspaceId, personId);
    if (current.length === 0) throw new NotFoundException(`person ${personId} not found`);
    if (!current.some((a) => authorKey(a) === authorKey(author))) {
      throw new NotFoundException(`${describe(author)} is not linked to person ${personId}`);
    }
    const { remaining, dissolved } = afterUnlink(current, author);
    await this.links.remove(workspaceId, personId, dissolved ? current : [author]);
    return { ...(await this.view(workspaceId, personId, remaining)), dissolved };
  }

  /** The person an author is, or null when the author is linked to nobody. */
  async ofAuthor(workspaceId: string, author: AuthorKey): Promise<PersonView | null> {
    const personId = (await this.links.personsOf(workspaceId, [author])).get(authorKey(author));
    const identities = personId ? await this.links.identities(workspaceId, personId) : [];
    return personId && identities.length > 0 ? this.view(workspaceId, personId, identities) : null;
  }

  /** Every identity of the author's person, or the author alone. */
  async identitiesOf(workspaceId: string, author: AuthorKey): Promise<AuthorKey[]> {
    const personId = (await this.links.personsOf(workspaceId, [author])).get(authorKey(author));
    return personId ? this.links.identities(workspaceId, personId) : [author];
  }
}
