import { Model } from 'mongoose';
import { startCareServices, type CareServices } from '../../test/support/care-services';
import { brandReply, customerPost, storeMention } from '../../test/support/care-inputs';
import type { Mention } from '../mentions/schemas/mention.schema';
import { CasePlacementService } from './case-placement.service';
import { CasesService } from './cases.service';
import { RepliesService } from './replies.service';
import { Case } from './schemas/case.schema';

/**
 * Placing messages in cases over the embedded engine: the service reads the store, asks
 * case-lifecycle what to do, and stores it. One customer per test, so tests do not share cases.
 */
describe('CasePlacementService', () => {
  let s: CareServices;
  let placement: CasePlacementService;
  let inbox: CasesService;
  let cases: Model<Case>;
  let mentions: Model<Mention>;
  let wsId: string;
  const at = (hhmm: string, day = 2) => new Date(`2026-03-${String(day).padStart(2, '0')}T${hhmm}:00Z`);

  beforeAll(async () => {
    s = await startCareServices({ firstResponseSeconds: 3600 });
    placement = s.get(CasePlacementService);
    inbox = s.get(CasesService);
    cases = s.model<Case>(Case.name);
    mentions = s.model<Mention>('Mention');
    wsId = s.workspace.id;
  });
  afterAll(() => s.close());

  const post = (n: number, hhmm: string, opts: Parameters<typeof customerPost>[3] = {}, day = 2) =>
    customerPost(wsId, n, at(hhmm, day), opts);
  const place = (...posts: ReturnType<typeof post>[]) => placement.onIngested(s.workspace, null, posts, []);
  const casesOf = (author: string) => cases.find({ 'customer.externalId': author }).sort({ openedAt: 1 }).lean();

  it('a support request opens a case with its due times, once however often it arrives', async () => {
    const m = post(1, '10:00', { author: 'open' });
    await place(m);
    await place(m);
    const [c, ...more] = await casesOf('open');
    expect(more).toHaveLength(0);
    expect(c).toMatchObject({
      status: 'open',
      openedAt: at('10:00'),
      firstResponseDueAt: at('11:00'),
      inboundCount: 1,
      awaitingReplySince: at('10:00'),
      externalIds: [m.externalId],
    });
    expect(s.events).toContainEqual({ type: 'case.opened', workspaceId: wsId, caseId: String(c._id), at: at('10:00') });
  });

  it('praise with no case opens nothing; a later message of an open case joins it', async () => {
    await place(post(10, '09:00', { author: 'join', intent: 'praise' }));
    expect(await casesOf('join')).toHaveLength(0);
    await place(post(11, '10:00', { author: 'join' }));
    await place(post(12, '10:10', { author: 'join', intent: 'praise', conversationId: 'conv-2' }));
    const [c] = await casesOf('join');
    expect(c).toMatchObject({ inboundCount: 2, conversationIds: ['conv-1', 'conv-2'], openedAt: at('10:00') });
  });

  it('messages out of order: the newest opens the case, an older one moves its opening, a late answer breaches', async () => {
    await place(post(21, '10:20', { author: 'order' }));
    await place(post(20, '10:00', { author: 'order' }));
    await placement.onIngested(s.workspace, null, [], [brandReply(20, post(21, '10:20', { author: 'order' }), at('11:30'))]);
    const [c, ...more] = await casesOf('order');
    expect(more).toHaveLength(0);
    expect(c).toMatchObject({
      openedAt: at('10:00'),
      firstResponseDueAt: at('11:00'),
      firstResponseAt: at('11:30'),
      breachedAt: at('11:00'),
      inboundCount: 2,
    });
  });

  it("the customer's later messages already stored join the case an older request opens", async () => {
    const later = post(31, '10:30', { author: 'gather', intent: 'other' });
    await storeMention(mentions, later);
    await place(later); // not a request: no case yet
    await place(post(30, '10:00', { author: 'gather' }));
    const [c] = await casesOf('gather');
    expect(c.externalIds.sort()).toEqual([post(30, '10:00', { author: 'gather' }).externalId, later.externalId].sort());
    expect(c.lastInboundAt).toEqual(at('10:30'));
  });

  it('a reply collected before the message it answers is attached when the message arrives', async () => {
    const m = post(40, '10:00', { author: 'early' });
    await s.get(RepliesService).ingest(wsId, [brandReply(40, m, at('10:20'))]);
    await place(m);
    const [c] = await casesOf('early');
    expect(c).toMatchObject({ firstResponseAt: at('10:20'), outboundCount: 1, awaitingReplySince: null, breachedAt: null });
  });

  it('a reply recorded through the API and then collected counts once; the customer writing again opens the case', async () => {
    const m = post(50, '10:00', { author: 'answer' });
    await place(m);
    const [opened] = await casesOf('answer');
    await placement.recordReply(wsId, String(opened._id), { text: 'Já desbloqueamos, @answer!', at: at('10:15') });
    expect((await casesOf('answer'))[0]).toMatchObject({ status: 'pending', outboundCount: 1, firstResponseAt: at('10:15') });
    await placement.onIngested(s.workspace, null, [], [brandReply(50, m, at('10:16'), 'já desbloqueamos')]);
    const [c] = await casesOf('answer');
    expect(c.outboundCount).toBe(1);
    expect(c.externalIds).toContain(brandReply(50, m, at('10:16')).externalId);
    await place(post(51, '11:00', { author: 'answer' }));
    expect((await casesOf('answer'))[0]).toMatchObject({ status: 'open', awaitingReplySince: at('11:00') });
  });

  it('refuses an answer dated before the case opened, naming `at`', async () => {
    await place(post(55, '10:00', { author: 'early-answer' }));
    const [c] = await casesOf('early-answer');
    await expect(placement.recordReply(wsId, String(c._id), { text: 'oi', at: at('09:00') })).rejects.toThrow(
      'at: must not be before the case was opened',
    );
  });

  it('a new request in the conversation within the window reopens a resolved case; outside the conversation it opens another', async () => {
    await place(post(60, '10:00', { author: 'reopen' }));
    const [c] = await casesOf('reopen');
    await inbox.update(wsId, String(c._id), { status: 'resolved', at: at('12:00') });
    await place(post(61, '13:00', { author: 'reopen', intent: 'other' })); // a thank-you: nothing
    expect((await casesOf('reopen'))[0]).toMatchObject({ status: 'resolved', inboundCount: 1 });
    await place(post(62, '10:00', { author: 'reopen' }, 3));
    expect(await casesOf('reopen')).toEqual([
      expect.objectContaining({ status: 'open', reopenCount: 1, lastReopenedAt: at('10:00', 3), inboundCount: 2 }),
    ]);
    await inbox.update(wsId, String(c._id), { status: 'resolved', at: at('11:00', 3) });
    await place(post(63, '12:00', { author: 'reopen', conversationId: 'conv-9' }, 3));
    expect((await casesOf('reopen')).map((x) => x.status)).toEqual(['resolved', 'open']);
  });

  it('retimes, once, a case stored opening after its earliest message', async () => {
    await place(post(70, '10:00', { author: 'retime' }));
    await cases.updateOne({ 'customer.externalId': 'retime' }, { $set: { openedAt: at('10:30') } });
    expect(await placement.retimeOutOfOrder()).toBe(1);
    expect((await casesOf('retime'))[0].openedAt).toEqual(at('10:00'));
    expect(await placement.retimeOutOfOrder()).toBe(0);
  });
});
