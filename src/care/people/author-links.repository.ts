import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import type { AuthorKey } from './people';
import { AuthorLink } from './author-link.schema';

const oid = (id: string) => new Types.ObjectId(id);

/** The `author_links` collection: the only holder of its model. */
@Injectable()
export class AuthorLinksRepository {
  constructor(@InjectModel(AuthorLink.name) private readonly links: Model<AuthorLink>) {}

  /** The person each of these authors belongs to (`platform:authorId` → person id). */
  async personsOf(workspaceId: string, authors: AuthorKey[]): Promise<Map<string, string>> {
    if (authors.length === 0) return new Map();
    const rows = await this.links
      .find({ workspaceId: oid(workspaceId), $or: authors.map((a) => ({ platform: a.platform, authorId: a.authorId })) })
      .lean();
    return new Map(rows.map((r) => [`${r.platform}:${r.authorId}`, String(r.personId)]));
  }

  /** The person's identities, in the order they were linked. */
  async identities(workspaceId: string, personId: string): Promise<AuthorKey[]> {
    if (!Types.ObjectId.isValid(personId)) return [];
    const rows = await this.links
      .find({ workspaceId: oid(workspaceId), personId: oid(personId) })
      .sort({ linkedAt: 1, _id: 1 })
      .lean();
    return rows.map((r) => ({ platform: r.platform, authorId: r.authorId }));
  }

  /**
   * Links the authors to the person. All or nothing: an author linked meanwhile by someone else
   * (the unique index answers 11000) undoes this call's rows and rethrows.
   */
  async add(workspaceId: string, personId: string, authors: AuthorKey[], by: string): Promise<void> {
    const linkedAt = new Date();
    const rows = authors.map((a) => ({ workspaceId: oid(workspaceId), personId: oid(personId), ...a, linkedBy: by, linkedAt }));
    try {
      await this.links.insertMany(rows, { ordered: true });
    } catch (err) {
      await this.remove(workspaceId, personId, authors);
      throw err;
    }
  }

  async remove(workspaceId: string, personId: string, authors: AuthorKey[]): Promise<void> {
    if (authors.length === 0) return;
    await this.links.deleteMany({
      workspaceId: oid(workspaceId),
      personId: oid(personId),
      $or: authors.map((a) => ({ platform: a.platform, authorId: a.authorId })),
    });
  }
}
