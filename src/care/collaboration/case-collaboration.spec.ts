import { answeredMessageKey } from './case-collaboration';

describe('answeredMessageKey', () => {
  const at = (iso: string) => new Date(iso);

  it('keys the latest customer message by its network id, else by its time', () => {
    const messages = [
      { direction: 'inbound', externalId: '1', at: at('2026-12-01T10:00:00Z') },
      { direction: 'outbound', externalId: '2', at: at('2026-12-01T10:05:00Z') },
      { direction: 'inbound', externalId: '3', at: at('2026-12-01T10:10:00Z') },
      { direction: 'outbound', externalId: null, at: at('2026-12-01T10:12:00Z') },
    ];
    expect(answeredMessageKey(messages)).toBe('id:3');
    expect(answeredMessageKey([{ direction: 'inbound', externalId: null, at: '2026-12-01T10:00:00.000Z' }])).toBe(
      'at:2026-12-01T10:00:00.000Z',
    );
  });

  it('gives one key to a case without a customer message', () => {
    expect(answeredMessageKey([])).toBe('none');
    expect(answeredMessageKey(undefined)).toBe('none');
  });
});
