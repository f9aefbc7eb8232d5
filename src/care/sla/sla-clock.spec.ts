import { SlaClock } from './sla-clock';

const HOUR = 3600;
const MINUTE = 60;
const weekdays = { start: '09:00', end: '18:00' };
const officeSchedule = { mon: [weekdays], tue: [weekdays], wed: [weekdays], thu: [weekdays], fri: [weekdays] };

function office(timezone: string, holidays: string[] = []): SlaClock {
  return new SlaClock({ timezone, businessHours: { enabled: true, schedule: officeSchedule, holidays } });
}

describe('SlaClock', () => {
  describe('with business hours off', () => {
    const clock = new SlaClock({ timezone: 'America/Sao_Paulo' });

    it('counts all time', () => {
      // Saturday 23:00 → Sunday 01:30 UTC = 2.5 h = 9000 s
      expect(clock.workingSecondsBetween(new Date('2024-03-09T23:00:00Z'), new Date('2024-03-10T01:30:00Z'))).toBe(9000);
      expect(clock.addWorkingSeconds(new Date('2024-03-09T23:00:00Z'), 2 * HOUR)).toEqual(new Date('2024-03-10T01:00:00Z'));
      expect(clock.isWorkingTime(new Date('2024-03-09T23:00:00Z'))).toBe(true);
    });

    it('treats a disabled schedule as all time', () => {
      const disabled = new SlaClock({ timezone: 'UTC', businessHours: { enabled: false, schedule: officeSchedule } });
      expect(disabled.workingSecondsBetween(new Date('2024-03-09T00:00:00Z'), new Date('2024-03-10T00:00:00Z'))).toBe(24 * HOUR);
    });

    it('gives 0, not a negative duration, when the end is before the start', () => {
      expect(clock.workingSecondsBetween(new Date('2024-03-10T01:00:00Z'), new Date('2024-03-09T23:00:00Z'))).toBe(0);
    });
  });

  describe('Mon-Fri 09:00-18:00 in America/Sao_Paulo (UTC-3)', () => {
    const clock = office('America/Sao_Paulo');
    // 2024-03-08 is a Friday; 2024-03-11 the Monday after.
    const friday1730 = new Date('2024-03-08T17:30:00-03:00');
    const monday0945 = new Date('2024-03-11T09:45:00-03:00');

    it('counts only working time over a weekend', () => {
      // Friday 17:30-18:00 = 30 min, Monday 09:00-09:45 = 45 min: 75 min = 4500 s
      expect(clock.workingSecondsBetween(friday1730, monday0945)).toBe(75 * MINUTE);
    });

    it('counts nothing before opening when the case arrives after hours', () => {
      // Friday 18:30 is after hours; Monday 09:00-09:45 = 45 min = 2700 s
      expect(clock.workingSecondsBetween(new Date('2024-03-08T18:30:00-03:00'), monday0945)).toBe(45 * MINUTE);
    });

    it('puts the 2 h due time on Monday morning', () => {
      // 30 min on Friday, the remaining 90 min from Monday 09:00: due Monday 10:30
      expect(clock.addWorkingSeconds(friday1730, 2 * HOUR)).toEqual(new Date('2024-03-11T10:30:00-03:00'));
    });

    it('puts the due time at closing, not the next opening, when the budget ends at 18:00', () => {
      expect(clock.addWorkingSeconds(new Date('2024-03-08T16:00:00-03:00'), 2 * HOUR)).toEqual(new Date('2024-03-08T18:00:00-03:00'));
    });

    it('starts the due time from the next opening when created on a Saturday', () => {
      expect(clock.addWorkingSeconds(new Date('2024-03-09T12:00:00-03:00'), 30 * MINUTE)).toEqual(new Date('2024-03-11T09:30:00-03:00'));
    });

    it('is the inverse of workingSecondsBetween', () => {
      const start = new Date('2024-03-06T14:17:00-03:00');
      for (const seconds of [1, 59 * MINUTE, 4 * HOUR + 3, 9 * HOUR, 40 * HOUR + 17 * MINUTE]) {
        expect(clock.workingSecondsBetween(start, clock.addWorkingSeconds(start, seconds))).toBe(seconds);
      }
    });

    it('knows working time from closed time', () => {
      expect(clock.isWorkingTime(new Date('2024-03-11T09:00:00-03:00'))).toBe(true);
      expect(clock.isWorkingTime(new Date('2024-03-11T17:59:59-03:00'))).toBe(true);
      expect(clock.isWorkingTime(new Date('2024-03-11T18:00:00-03:00'))).toBe(false);
      expect(clock.isWorkingTime(new Date('2024-03-11T08:59:00-03:00'))).toBe(false);
      expect(clock.isWorkingTime(new Date('2024-03-09T12:00:00-03:00'))).toBe(false); // Saturday
    });

    it('sums a whole year day by day', () => {
      // 2024 starts on a Monday and has 366 days = 52 weeks + Mon + Tue: 52 × 5 + 2 = 262 working days × 9 h
      const started = Date.now();
      const seconds = clock.workingSecondsBetween(new Date('2024-01-01T00:00:00-03:00'), new Date('2025-01-01T00:00:00-03:00'));
      expect(seconds).toBe(262 * 9 * HOUR);
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  describe('holidays', () => {
    // Carnival 2024: Monday 12 and Tuesday 13 February.
    const clock = office('America/Sao_Paulo', ['2024-02-12', '2024-02-13']);

    it('skips holidays', () => {
      // Friday 9th 17:00-18:00 = 60 min, Wednesday 14th 09:00-09:30 = 30 min: 90 min = 5400 s
      expect(clock.workingSecondsBetween(new Date('2024-02-09T17:00:00-03:00'), new Date('2024-02-14T09:30:00-03:00'))).toBe(90 * MINUTE);
      expect(clock.isWorkingTime(new Date('2024-02-12T10:00:00-03:00'))).toBe(false);
    });

    it('moves the due time past them', () => {
      // 60 min on Friday, 60 min from Wednesday 09:00: due Wednesday 10:00
      expect(clock.addWorkingSeconds(new Date('2024-02-09T17:00:00-03:00'), 2 * HOUR)).toEqual(new Date('2024-02-14T10:00:00-03:00'));
    });

    it('reads the holiday as a local date, not a UTC one', () => {
      // 2024-02-11T21:00 local Sunday is already the 12th in UTC; a Monday 00:30 UTC opening (Sunday 21:30 local)
      // still waits until Wednesday: 09:00-09:30 = 30 min
      expect(clock.workingSecondsBetween(new Date('2024-02-12T00:30:00Z'), new Date('2024-02-14T09:30:00-03:00'))).toBe(30 * MINUTE);
    });
  });

  describe('daylight saving time', () => {
    it('America/New_York: a Friday case due on the Monday after clocks spring forward', () => {
      const clock = office('America/New_York');
      // Friday 2024-03-08 17:00 EST (22:00Z) + 2 h: 1 h on Friday, 1 h from Monday 09:00 EDT → 10:00 EDT = 14:00Z
      expect(clock.addWorkingSeconds(new Date('2024-03-08T22:00:00Z'), 2 * HOUR)).toEqual(new Date('2024-03-11T14:00:00Z'));
      expect(clock.workingSecondsBetween(new Date('2024-03-08T22:00:00Z'), new Date('2024-03-11T14:00:00Z'))).toBe(2 * HOUR);
    });

    it('America/New_York: the spring-forward day has 23 hours and the fall-back day 25', () => {
      const clock = new SlaClock({
        timezone: 'America/New_York',
        businessHours: { enabled: true, schedule: { 7: [{ start: '00:00', end: '24:00' }] } },
      });
      // Sunday 2024-03-10 00:00 EST (05:00Z) → Monday 00:00 EDT (04:00Z) = 23 h
      expect(clock.workingSecondsBetween(new Date('2024-03-10T05:00:00Z'), new Date('2024-03-11T04:00:00Z'))).toBe(23 * HOUR);
      // Sunday 2024-11-03 00:00 EDT (04:00Z) → Monday 00:00 EST (05:00Z) = 25 h
      expect(clock.workingSecondsBetween(new Date('2024-11-03T04:00:00Z'), new Date('2024-11-04T05:00:00Z'))).toBe(25 * HOUR);
    });

    it('America/New_York: a 01:00-04:00 shift lasts 2 real hours on the spring-forward night', () => {
      const clock = new SlaClock({
        timezone: 'America/New_York',
        businessHours: { enabled: true, schedule: { sun: [{ start: '01:00', end: '04:00' }] } },
      });
      // 01:00 EST = 06:00Z, 04:00 EDT = 08:00Z
      expect(clock.workingSecondsBetween(new Date('2024-03-10T00:00:00Z'), new Date('2024-03-10T12:00:00Z'))).toBe(2 * HOUR);
      expect(clock.addWorkingSeconds(new Date('2024-03-10T00:00:00Z'), 2 * HOUR)).toEqual(new Date('2024-03-10T08:00:00Z'));
    });

    it('America/Sao_Paulo: 2018-11-04 had no midnight (00:00 → 01:00); a 00:00-12:00 shift lasted 11 h', () => {
      const clock = new SlaClock({
        timezone: 'America/Sao_Paulo',
        businessHours: { enabled: true, schedule: { sun: [{ start: '00:00', end: '12:00' }] } },
      });
      // Shift starts at the first existing instant, 01:00 -02:00 (03:00Z), ends 12:00 -02:00 (14:00Z): 11 h
      expect(clock.workingSecondsBetween(new Date('2018-11-03T12:00:00Z'), new Date('2018-11-05T12:00:00Z'))).toBe(11 * HOUR);
      expect(clock.isWorkingTime(new Date('2018-11-04T03:00:00Z'))).toBe(true);
      expect(clock.isWorkingTime(new Date('2018-11-04T02:59:00Z'))).toBe(false);
    });

    it('America/Sao_Paulo today has no DST: 09:00-18:00 is 12:00Z-21:00Z all year', () => {
      const clock = office('America/Sao_Paulo');
      expect(clock.isWorkingTime(new Date('2024-01-15T12:00:00Z'))).toBe(true);
      expect(clock.isWorkingTime(new Date('2024-07-15T11:59:00Z'))).toBe(false);
      expect(clock.isWorkingTime(new Date('2024-07-15T20:59:00Z'))).toBe(true);
    });
  });

  describe('overnight and overlapping periods', () => {
    it('runs a 22:00-06:00 shift into the next day', () => {
      const clock = new SlaClock({
        timezone: 'UTC',
        businessHours: { enabled: true, schedule: { mon: [{ start: '22:00', end: '06:00' }] } },
      });
      // Monday 2024-03-11 23:00 → Tuesday 07:00: working 23:00-06:00 = 7 h
      expect(clock.workingSecondsBetween(new Date('2024-03-11T23:00:00Z'), new Date('2024-03-12T07:00:00Z'))).toBe(7 * HOUR);
      // starting inside the tail of Monday's shift: Tuesday 01:00 → 06:00 = 5 h
      expect(clock.workingSecondsBetween(new Date('2024-03-12T01:00:00Z'), new Date('2024-03-12T07:00:00Z'))).toBe(5 * HOUR);
      expect(clock.isWorkingTime(new Date('2024-03-12T05:59:00Z'))).toBe(true);
      expect(clock.isWorkingTime(new Date('2024-03-12T06:00:00Z'))).toBe(false);
      // Tuesday 05:00 + 2 h: 1 h until 06:00, then the next shift is Monday 18th 22:00 → 23:00
      expect(clock.addWorkingSeconds(new Date('2024-03-12T05:00:00Z'), 2 * HOUR)).toEqual(new Date('2024-03-18T23:00:00Z'));
    });

    it('counts overlapping periods once', () => {
      const clock = new SlaClock({
        timezone: 'UTC',
        businessHours: {
          enabled: true,
          schedule: {
            mon: [
              { start: '09:00', end: '12:00' },
              { start: '11:00', end: '13:00' },
            ],
            sun: [{ start: '20:00', end: '10:00' }],
          },
        },
      });
      // Sunday 20:00 → Monday 10:00 overlaps Monday 09:00-13:00: one span Sunday 20:00 → Monday 13:00 = 17 h
      expect(clock.workingSecondsBetween(new Date('2024-03-10T00:00:00Z'), new Date('2024-03-12T00:00:00Z'))).toBe(17 * HOUR);
    });
  });

  describe('configuration', () => {
    it('accepts ISO weekday numbers', () => {
      const clock = new SlaClock({ timezone: 'UTC', businessHours: { enabled: true, schedule: { 1: [weekdays] } } });
      expect(clock.isWorkingTime(new Date('2024-03-11T10:00:00Z'))).toBe(true); // Monday
      expect(clock.isWorkingTime(new Date('2024-03-12T10:00:00Z'))).toBe(false); // Tuesday
    });

    it.each([
      [{ timezone: 'Mars/Olympus' }, /timezone/],
      [{ timezone: 'UTC', businessHours: { enabled: true, schedule: { mon: [{ start: '9:00', end: '18:00' }] } } }, /HH:mm/],
      [{ timezone: 'UTC', businessHours: { enabled: true, schedule: { funday: [weekdays] } } }, /weekday/],
      [{ timezone: 'UTC', businessHours: { enabled: true, schedule: {} } }, /no day has working time/],
      [{ timezone: 'UTC', businessHours: { enabled: true, schedule: { mon: [{ start: '09:00', end: '09:00' }] } } }, /empty/],
      [{ timezone: 'UTC', businessHours: { enabled: true, schedule: officeSchedule, holidays: ['2024-02-30'] } }, /calendar date/],
    ])('refuses %j', (config, message) => {
      expect(() => new SlaClock(config as never)).toThrow(message);
    });

    it('refuses a negative duration', () => {
      expect(() => office('UTC').addWorkingSeconds(new Date(), -1)).toThrow(RangeError);
    });
  });
});
