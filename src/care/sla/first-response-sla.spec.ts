import { firstResponseSla } from './first-response-sla';
import { SlaClock } from './sla-clock';

const weekdays = [{ start: '09:00', end: '18:00' }];
const clock = new SlaClock({
  timezone: 'America/Sao_Paulo',
  businessHours: { enabled: true, schedule: { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays } },
});
const friday1730 = new Date('2024-03-08T17:30:00-03:00');

describe('firstResponseSla', () => {
  it('meets a 2 h target when answered Monday 09:45 for a Friday 17:30 case (75 working minutes)', () => {
    const sla = firstResponseSla(clock, friday1730, new Date('2024-03-11T09:45:00-03:00'), new Date('2024-03-12T00:00:00-03:00'));
    expect(sla).toEqual({ status: 'met', dueAt: new Date('2024-03-11T10:30:00-03:00'), workingSeconds: 75 * 60 });
  });

  it('breaches when answered after the due time', () => {
    const sla = firstResponseSla(clock, friday1730, new Date('2024-03-11T10:31:00-03:00'), new Date('2024-03-12T00:00:00-03:00'));
    expect(sla.status).toBe('breached');
    expect(sla.workingSeconds).toBe(121 * 60); // 30 + 91 min
  });

  it('stays pending over the weekend and breaches only once working time runs out', () => {
    expect(firstResponseSla(clock, friday1730, null, new Date('2024-03-10T12:00:00-03:00')).status).toBe('pending');
    expect(firstResponseSla(clock, friday1730, null, new Date('2024-03-11T10:30:00-03:00')).status).toBe('pending');
    expect(firstResponseSla(clock, friday1730, null, new Date('2024-03-11T10:30:01-03:00')).status).toBe('breached');
  });

  it('still meets when answered after hours right after the budget ran out at closing', () => {
    // opened 16:00, 2 h budget runs out at 18:00; answered at 18:20 with no working time since
    const sla = firstResponseSla(
      clock,
      new Date('2024-03-08T16:00:00-03:00'),
      new Date('2024-03-08T18:20:00-03:00'),
      new Date('2024-03-09T00:00:00-03:00'),
    );
    expect(sla.status).toBe('met');
  });

  it('uses the target it is given and wall-clock time without business hours', () => {
    const allTime = SlaClock.allTime();
    const opened = new Date('2024-03-08T10:00:00Z');
    expect(firstResponseSla(allTime, opened, new Date('2024-03-08T10:30:00Z'), new Date('2024-03-09T00:00:00Z'), 1800).status).toBe('met');
    expect(firstResponseSla(allTime, opened, new Date('2024-03-08T10:30:01Z'), new Date('2024-03-09T00:00:00Z'), 1800).status).toBe(
      'breached',
    );
  });
});
