import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import type { AgentView } from './agents/agents.service';
import { CaseNote } from './schemas/case-view.schema';

export interface NoteMention {
  agentId: string;
  name: string;
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Teammates named in a note: `@` (at the start or after a space) followed by an agent's full
 * name, their name without spaces, or their first name when no other agent shares it; accents
 * and case are ignored. The longest name wins ("@Ana Lima" over "@Ana").
 */
export function resolveMentions(text: string, agents: Pick<AgentView, 'id' | 'name'>[]): NoteMention[] {
  const firstNames = new Map<string, number>();
  for (const a of agents) {
    const first = fold(a.name).split(/\s+/)[0];
    firstNames.set(first, (firstNames.get(first) ?? 0) + 1);
  }
  const keys: { key: string; agent: Pick<AgentView, 'id' | 'name'> }[] = [];
  for (const a of agents) {
    const full = fold(a.name).trim();
    keys.push({ key: full, agent: a }, { key: full.replace(/\s+/g, ''), agent: a });
    const first = full.split(/\s+/)[0];
    if (firstNames.get(first) === 1) keys.push({ key: first, agent: a });
  }
  keys.sort((x, y) => y.key.length - x.key.length);
  const folded = fold(text);
  const found = new Map<string, NoteMention>();
  for (const m of folded.matchAll(/(?:^|\s)@/g)) {
    const rest = folded.slice(m.index + m[0].length);
    const hit = keys.find(({ key }) => key && rest.startsWith(key) && !/^[\p{L}\p{N}_]/u.test(rest.slice(key.length)));
    if (hit && !found.has(hit.agent.id)) found.set(hit.agent.id, { agentId: hit.agent.id, name: hit.agent.name });
  }
  return [...found.values()];
}

export interface NoteView {
  id: string;
  caseId: string;
  authorId: string | null;
  text: string;
  mentions: NoteMention[];
  at: Date;
}

/** Internal notes on a case (kept apart from the case's messages, so no reply or export carries them). */
@Injectable()
export class CaseNotes {
  constructor(@InjectModel(CaseNote.name) private readonly notes: Model<CaseNote>) {}

  async add(
    workspaceId: string,
    caseId: string,
    note: { text: string; authorId?: string },
    agents: Pick<AgentView, 'id' | 'name'>[],
  ): Promise<NoteView> {
    if (note.authorId && !agents.some((a) => a.id === note.authorId))
      throw new BadRequestException(`authorId: agent ${note.authorId} not found in this workspace`);
    const doc = await this.notes.create({
      workspaceId: new Types.ObjectId(workspaceId),
      caseId: new Types.ObjectId(caseId),
      authorId: note.authorId ?? null,
      text: note.text,
      mentions: resolveMentions(note.text, agents),
      at: new Date(),
    });
    return toView(doc.toObject());
  }

  async list(workspaceId: string, caseId: string): Promise<NoteView[]> {
    const docs = await this.notes
      .find({ workspaceId: new Types.ObjectId(workspaceId), caseId: new Types.ObjectId(caseId) })
      .sort({ at: 1, _id: 1 })
      .lean();
    return docs.map(toView);
  }
}

function toView(d: CaseNote & { _id: unknown }): NoteView {
  return {
    id: String(d._id),
    caseId: String(d.caseId),
    authorId: d.authorId,
    text: d.text,
    mentions: d.mentions.map((m) => ({ agentId: m.agentId, name: m.name })),
    at: d.at,
  };
}
