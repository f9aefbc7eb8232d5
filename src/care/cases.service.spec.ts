import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { Model } from 'mongoose';
import { startCareServices, type CareServices } from '../../test/support/care-services';
import { brandReply, customerPost } from '../../test/support/care-inputs';
import { AgentsService } from './agents/agents.service';
import { CasePlacementService } from './case-placement.service';
import { CasesService } from './cases.service';
import { Case } from './schemas/case.schema';

/** The inbox and agents' actions over the embedded engine. */
describe('CasesService', () => {
  let s: CareServices;
  let inbox: CasesService;
  let cases: Model<Case>;
  let ws: string;
  const at = (hhmm: string) => new Date(`2026-03-02T${hhmm}:00Z`);
  const idOf = async (author: string) => String((await cases.findOne({ 'customer.externalId': author }).lean())!._id);

  beforeAll(async () => {
    s = await startCareServices({ firstResponseSeconds: 3600 });
    inbox = s.get(CasesService);
    cases = s.model<Case>(Case.name);
    ws = s.workspace.id;
    const post = (n: number, hhmm: string, author: string) => customerPost(ws, n, at(hhmm), { author });
    const answered = post(3, '10:10', 'carla');
    await s
      .get(CasePlacementService)
      .onIngested(
        s.workspace,
        null,
        [post(1, '09:00', 'ana'), post(2, '10:00', 'bruno'), answered],
        [brandReply(3, answered, at('10:20'))],
      );
  });
  afterAll(() => s.close());

  it('lists newest first, waiting longest first, or due soonest among the unanswered', async () => {
    const handles = (r: { data: { customer: { handle: string } }[] }) => r.data.map((c) => c.customer.handle);
    expect(handles(await inbox.list(ws, {}))).toEqual(['@carla', '@bruno', '@ana']);
    expect(handles(await inbox.list(ws, { sort: 'waiting' }))).toEqual(['@ana', '@bruno']);
    expect(handles(await inbox.list(ws, { sort: 'due' }))).toEqual(['@ana', '@bruno']);
    expect((await inbox.list(ws, { limit: 1, offset: 1 })).total).toBe(3);
    const [waiting] = (await inbox.list(ws, { sort: 'waiting' })).data;
    expect(waiting.waitingSeconds).toBeGreaterThan(0);
    expect(waiting).not.toHaveProperty('messages');
  });

  it('the unanswered: open cases whose last message is the customer’s', async () => {
    expect((await inbox.unanswered(ws)).map((c) => [c.customer.handle, c.waitingSince])).toEqual([
      ['@ana', at('09:00')],
      ['@bruno', at('10:00')],
    ]);
  });

  it('a case with its messages in order; another workspace’s id or a bad id is not found', async () => {
    const c = await inbox.get(ws, await idOf('carla'));
    expect(c.messages!.map((m) => m.direction)).toEqual(['inbound', 'outbound']);
    await expect(inbox.get('0123456789abcdef01234567', await idOf('carla'))).rejects.toBeInstanceOf(NotFoundException);
    await expect(inbox.get(ws, 'nope')).rejects.toBeInstanceOf(NotFoundException);
  });

  it('assigns (then records reassignments), resolves with the assignee, refuses what the rules refuse', async () => {
    const agents = s.get(AgentsService);
    const a1 = await agents.create(ws, { name: 'Dora' });
    const a2 = await agents.create(ws, { name: 'Edu' });
    const id = await idOf('ana');
    await inbox.update(ws, id, { assigneeId: a1.id, at: at('09:30') });
    await inbox.update(ws, id, { assigneeId: a2.id, at: at('09:40') });
    const resolved = await inbox.update(ws, id, { status: 'resolved', at: at('10:00') });
    expect(resolved).toMatchObject({
      status: 'resolved',
      assignee: a2.id,
      resolvedBy: a2.id,
      assignedAt: at('09:30'),
      resolutions: [at('10:00')],
    });
    expect(resolved.reassignments).toEqual([{ at: at('09:40'), fromAgent: a1.id, toAgent: a2.id, fromTeam: null, toTeam: null }]);
    await expect(inbox.update(ws, id, { status: 'resolved' })).rejects.toBeInstanceOf(ConflictException);
    await expect(inbox.update(ws, id, { status: 'pending' })).rejects.toThrow('a resolved case cannot be set to pending; reopen it first');
    await expect(inbox.update(ws, id, { status: 'open', at: at('08:00') })).rejects.toBeInstanceOf(BadRequestException);
    await expect(inbox.update(ws, id, { assigneeId: '0123456789abcdef01234567' })).rejects.toThrow(
      'assigneeId: agent 0123456789abcdef01234567 not found in this workspace',
    );
    expect(await inbox.update(ws, id, { status: 'open', at: at('11:00') })).toMatchObject({
      status: 'open',
      reopenCount: 1,
      lastReopenedAt: at('11:00'),
    });
  });

  it('report rows: opened or resolved in range plus the open ones, never a not_support case', async () => {
    const rows = await inbox.rowsForReport(ws, at('10:00'), at('11:00'));
    expect(rows).toHaveLength(3);
    await cases.updateOne({ 'customer.externalId': 'bruno' }, { $set: { status: 'not_support' } });
    expect((await inbox.rowsForReport(ws, at('10:00'), at('11:00'))).map((r) => r.caseId)).not.toContain(await idOf('bruno'));
    const awaiting = await inbox.rowsForReport(ws, at('12:00'), at('13:00'), { openCases: 'awaiting', fields: 'service' });
    expect(awaiting.map((r) => r.caseId)).toEqual([await idOf('ana')]);
    await cases.updateOne({ 'customer.externalId': 'bruno' }, { $set: { status: 'open' } });
  });

  it('breaches for alerts: since a time, and whether one still holds', async () => {
    await cases.updateOne({ 'customer.externalId': 'bruno' }, { $set: { breachedAt: at('11:00') } });
    const since = await inbox.breachedSince(at('10:30'));
    expect(since).toEqual([
      expect.objectContaining({ workspaceId: ws, caseId: await idOf('bruno'), breachedAt: at('11:00'), customer: '@bruno' }),
    ]);
    expect(await inbox.breachHolds(ws, await idOf('bruno'))).toBe(true);
    expect(await inbox.breachHolds(ws, await idOf('carla'))).toBe(false);
    expect(await inbox.breachHolds(ws, 'nope')).toBe(false);
  });

  it('exports rows with the list filters, newest first', async () => {
    const rows = [];
    for await (const r of inbox.exportRows(ws, { breached: true })) rows.push(r);
    expect(rows).toEqual([expect.objectContaining({ customer: '@bruno', breached: true, intent: 'support' })]);
  });
});
