import { Model } from 'mongoose';
import { startCareServices, type CareServices } from '../../test/support/care-services';
import { brandReply, customerPost } from '../../test/support/care-inputs';
import { CasePlacementService } from './case-placement.service';
import { Case } from './schemas/case.schema';
import { SlaScanService } from './sla-scan.service';

/** The care scan over the embedded engine: first response due in 1 h, abandonment after 3 h (all-time clock). */
describe('SlaScanService', () => {
  let s: CareServices;
  let scan: SlaScanService;
  let placement: CasePlacementService;
  let cases: Model<Case>;
  const at = (hhmm: string) => new Date(`2026-03-02T${hhmm}:00Z`);

  beforeAll(async () => {
    s = await startCareServices({ firstResponseSeconds: 3600, abandonmentSeconds: 3 * 3600 });
    scan = s.get(SlaScanService);
    placement = s.get(CasePlacementService);
    cases = s.model<Case>(Case.name);
    const quiet = customerPost(s.workspace.id, 1, at('10:00'), { author: 'quiet' });
    const answered = customerPost(s.workspace.id, 2, at('10:00'), { author: 'answered' });
    const later = customerPost(s.workspace.id, 3, at('10:45'), { author: 'later' });
    await placement.onIngested(s.workspace, null, [quiet, answered, later], [brandReply(2, answered, at('10:30'))]);
  });
  afterAll(() => s.close());

  const caseOf = (author: string) => cases.findOne({ 'customer.externalId': author }).lean();
  const eventsFor = async (author: string) => {
    const id = String((await caseOf(author))!._id);
    return s.events.filter((e) => e.caseId === id && e.type !== 'case.opened').map((e) => `${e.type}@${e.at.toISOString().slice(11, 16)}`);
  };

  it('before any due time: nothing', async () => {
    expect(await scan.scan(at('10:59'))).toEqual({ breached: 0, abandoned: 0 });
  });

  it('marks the breach as of the due time, once; an answered case is left alone', async () => {
    expect(await scan.scan(at('11:10'))).toEqual({ breached: 1, abandoned: 0 });
    expect(await caseOf('quiet')).toMatchObject({ breachedAt: at('11:00'), status: 'open' });
    expect(await caseOf('answered')).toMatchObject({ breachedAt: null, status: 'open' });
    expect(await scan.scan(at('11:20'))).toEqual({ breached: 0, abandoned: 0 });
    expect(await eventsFor('quiet')).toEqual(['case.breached@11:00']);
  });

  it('abandons an unanswered case past its window, as of the window end', async () => {
    expect(await scan.scan(at('13:10'))).toEqual({ breached: 1, abandoned: 1 });
    expect(await caseOf('quiet')).toMatchObject({ status: 'abandoned', abandonedAt: at('13:00') });
    expect(await caseOf('later')).toMatchObject({ status: 'open', breachedAt: at('11:45'), abandonedAt: null });
    expect(await caseOf('answered')).toMatchObject({ status: 'open', abandonedAt: null });
    expect(await eventsFor('quiet')).toEqual(['case.breached@11:00', 'case.abandoned@13:00']);
  });

  it('a case answered in its window but collected after the scan abandoned it is open again', async () => {
    const quiet = customerPost(s.workspace.id, 1, at('10:00'), { author: 'quiet' });
    await placement.onIngested(s.workspace, null, [], [brandReply(1, quiet, at('12:00'))]);
    expect(await caseOf('quiet')).toMatchObject({
      status: 'open',
      abandonedAt: null,
      firstResponseAt: at('12:00'),
      breachedAt: at('11:00'),
    });
    expect(await scan.scan(at('23:00'))).toEqual({ breached: 0, abandoned: 1 }); // only `later` is still unanswered
  });
});
