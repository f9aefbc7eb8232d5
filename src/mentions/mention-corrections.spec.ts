import { planCorrection, rollupMove } from './mention-corrections.service';
import type { MentionCorrection } from './schemas/mention-correction';

const NOW = new Date('2026-03-01T12:00:00Z');
const EARLIER = new Date('2026-03-01T10:00:00Z');
const mention = (
  sentiment: 'negative' | 'neutral' | 'positive',
  intent: 'support' | 'praise' | 'other' | 'question',
  correction?: MentionCorrection,
) => ({
  sentiment: { score: 0.1, label: sentiment },
  intent,
  correction,
});

describe('planCorrection', () => {
  it('moves a label and keeps the model label, who and when beside it', () => {
    const plan = planCorrection(mention('neutral', 'other'), { intent: 'support' }, 'key1', NOW)!;
    expect(plan.set).toMatchObject({
      intent: 'support',
      'correction.intent': { label: 'support', predicted: 'other', by: 'key1', at: NOW },
      'correction.at': NOW,
      'correction.seq': 1,
    });
    expect(plan.set).not.toHaveProperty('sentiment.label');
    expect(plan.pending).toMatchObject({
      from: { sentiment: 'neutral', intent: 'other' },
      to: { sentiment: 'neutral', intent: 'support' },
      by: 'key1',
    });
  });

  it("keeps the model's label through a second correction", () => {
    const first = {
      intent: { label: 'support' as const, predicted: 'other' as const, by: 'key1', at: EARLIER },
      at: EARLIER,
      seq: 1,
      pending: null,
    };
    const plan = planCorrection(mention('neutral', 'support', first), { intent: 'question' }, 'key2', NOW)!;
    expect(plan.set['correction.intent']).toEqual({ label: 'question', predicted: 'other', by: 'key2', at: NOW });
    expect(plan.set['correction.seq']).toBe(2);
    expect(plan.pending!.from.intent).toBe('support');
  });

  it('changes nothing when the agents already set that label', () => {
    const first = {
      sentiment: { label: 'positive' as const, predicted: 'neutral' as const, by: 'key1', at: EARLIER },
      at: EARLIER,
      seq: 1,
      pending: null,
    };
    expect(planCorrection(mention('positive', 'praise', first), { sentiment: 'positive' }, 'key2', NOW)).toBeNull();
  });

  it("records a confirmation of the model's label without moving any count", () => {
    const plan = planCorrection(mention('negative', 'support'), { sentiment: 'negative', intent: 'support' }, 'key1', NOW)!;
    expect(plan.pending).toBeNull();
    expect(plan.set['correction.sentiment']).toEqual({ label: 'negative', predicted: 'negative', by: 'key1', at: NOW });
    expect(plan.set['correction.intent']).toEqual({ label: 'support', predicted: 'support', by: 'key1', at: NOW });
    expect(plan.set).not.toHaveProperty('intent');
  });
});

describe('rollupMove', () => {
  it.each([
    [
      { sentiment: 'negative', intent: 'other' },
      { sentiment: 'positive', intent: 'other' },
      { negative: -1, positive: 1 },
    ],
    [
      { sentiment: 'neutral', intent: 'other' },
      { sentiment: 'neutral', intent: 'support' },
      { other: -1, support: 1 },
    ],
    [
      { sentiment: 'neutral', intent: 'praise' },
      { sentiment: 'negative', intent: 'complaint' },
      { neutral: -1, negative: 1, praise: -1, complaint: 1 },
    ],
    [{ sentiment: 'neutral', intent: 'praise' }, { sentiment: 'neutral', intent: 'praise' }, {}],
  ] as const)('%j → %j moves %j', (from, to, inc) => {
    expect(rollupMove(from, to)).toEqual(inc);
  });
});
