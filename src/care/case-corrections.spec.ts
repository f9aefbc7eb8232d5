import { Model } from 'mongoose';
import { startCareServices, type CareServices } from '../../test/support/care-services';
import { customerPost, storeMention } from '../../test/support/care-inputs';
import { MentionCorrectionsService } from '../mentions/mention-corrections.service';
import type { Mention } from '../mentions/schemas/mention.schema';
import { CasePlacementService } from './case-placement.service';
import { Case } from './schemas/case.schema';

/** Cases following agents' corrections of their messages' intents, over the embedded engine. */
describe('CaseCorrections', () => {
  let s: CareServices;
  let corrections: MentionCorrectionsService;
  let cases: Model<Case>;
  let mentions: Model<Mention>;
  const at = (hhmm: string) => new Date(`2026-03-02T${hhmm}:00Z`);

  beforeAll(async () => {
    s = await startCareServices();
    corrections = s.get(MentionCorrectionsService);
    cases = s.model<Case>(Case.name);
    mentions = s.model<Mention>('Mention');
  });
  afterAll(() => s.close());

  const stored = async (n: number, hhmm: string, author: string, intent: 'support' | 'praise' = 'support') => {
    const m = customerPost(s.workspace.id, n, at(hhmm), { author, intent });
    await storeMention(mentions, m);
    await s.get(CasePlacementService).onIngested(s.workspace, null, [m], []);
    return m;
  };
  const caseOf = (author: string) => cases.findOne({ 'customer.externalId': author }).lean();

  it('the only request corrected away closes the case as not_support; corrected back, it takes its status again', async () => {
    const m = await stored(1, '10:00', 'ana');
    await corrections.correct(s.workspace.id, m.id, { intent: 'praise', sentiment: 'positive' }, 'key-1');
    expect(await caseOf('ana')).toMatchObject({
      status: 'not_support',
      intent: 'support',
      sentiment: 'positive',
      notSupport: { by: 'key-1', mentionId: m.id, previousStatus: 'open' },
    });
    await corrections.correct(s.workspace.id, m.id, { intent: 'complaint' }, 'key-2');
    expect(await caseOf('ana')).toMatchObject({ status: 'open', intent: 'complaint', notSupport: null });
  });

  it('a case keeps its status while another of its messages is still a request', async () => {
    const first = await stored(10, '10:00', 'bruno');
    await stored(11, '10:10', 'bruno');
    await corrections.correct(s.workspace.id, first.id, { intent: 'other' }, 'key-1');
    expect(await caseOf('bruno')).toMatchObject({ status: 'open', intent: 'support', inboundCount: 2 });
  });

  it('a mention corrected to a request opens a case as if collected with it', async () => {
    const m = await stored(20, '10:00', 'carla', 'praise');
    expect(await caseOf('carla')).toBeNull();
    await corrections.correct(s.workspace.id, m.id, { intent: 'question' }, 'key-1');
    expect(await caseOf('carla')).toMatchObject({ status: 'open', intent: 'question', openedAt: at('10:00'), externalIds: [m.externalId] });
  });
});
