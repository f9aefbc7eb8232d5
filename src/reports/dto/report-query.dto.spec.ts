import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ShareOfVoiceQuery } from '../../competitors/dto/competitors-query.dto';
import { ForecastQuery, StaffingQuery } from '../../forecast/dto/forecast.dto';
import { ExplainQuery, ThemesQuery } from '../../themes/dto/themes-query.dto';
import { CareReportQuery, ReportQuery, TimeseriesQuery } from './report-query.dto';

/** The options of the app's ValidationPipe (src/app.factory.ts). */
async function errorsOf(cls: new () => object, query: Record<string, string>) {
  const dto = plainToInstance(cls, query, { enableImplicitConversion: false });
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  return {
    dto: dto as Record<string, unknown>,
    messages: Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {})])),
  };
}

const BAD = { topic: 'nope', from: 'yesterday', to: 'soon', tz: 'Mars/Olympus', platform: 'myspace' };
const GOOD = { topic: '65a000000000000000000001', from: '2026-03-01T00:00:00Z', to: '2026-03-08T00:00:00Z', tz: 'UTC', platform: 'x' };

describe('the report scope shared by every report query (src/common/report-query.dto.ts)', () => {
  it('answers the same messages for the same bad field in every query that has it', async () => {
    const reference = (await errorsOf(ReportQuery, BAD)).messages;
    expect(reference).toEqual({
      topic: ['topic must be a mongodb id'],
      from: ['from must be a Date instance'],
      to: ['to must be a Date instance'],
      tz: ['tz must be a valid IANA time-zone'],
      platform: [expect.stringMatching(/^platform must be one of the following values: x, bluesky, /)],
    });
    const extra = { metric: 'volume.mentions' }; // TimeseriesQuery's required field
    const cases: [new () => object, (keyof typeof BAD)[]][] = [
      [CareReportQuery, ['topic', 'from', 'to', 'tz', 'platform']],
      [TimeseriesQuery, ['topic', 'from', 'to', 'tz', 'platform']],
      [ThemesQuery, ['topic', 'from', 'to', 'tz', 'platform']],
      [ShareOfVoiceQuery, ['from', 'to', 'tz', 'platform']],
      [ForecastQuery, ['topic', 'tz', 'platform']],
      [StaffingQuery, ['topic', 'tz', 'platform']],
      [ExplainQuery, ['topic', 'platform']],
    ];
    for (const [cls, fields] of cases) {
      const bad = Object.fromEntries(fields.map((f) => [f, BAD[f]]));
      const { messages } = await errorsOf(cls, { ...bad, ...extra });
      const expected = Object.fromEntries(fields.map((f) => [f, reference[f]]));
      // whitelisting drops TimeseriesQuery's metric from the others, as an unknown field
      const own = Object.fromEntries(Object.entries(messages).filter(([k]) => k !== 'metric'));
      expect({ query: cls.name, messages: own }).toEqual({ query: cls.name, messages: expected });
    }
  });

  it('turns the period into dates and refuses the fields a query does not take', async () => {
    for (const cls of [ReportQuery, ThemesQuery, ShareOfVoiceQuery]) {
      const fields = cls === ShareOfVoiceQuery ? { ...GOOD, topic: undefined } : GOOD;
      const { dto, messages } = await errorsOf(cls, JSON.parse(JSON.stringify(fields)));
      expect(messages).toEqual({});
      expect(dto.from).toEqual(new Date('2026-03-01T00:00:00Z'));
      expect(dto.to).toEqual(new Date('2026-03-08T00:00:00Z'));
    }
    // a share of voice compares topics, and a forecast looks ahead from now: no topic, no period
    expect((await errorsOf(ShareOfVoiceQuery, { topic: GOOD.topic })).messages).toEqual({ topic: ['property topic should not exist'] });
    expect((await errorsOf(ForecastQuery, { from: GOOD.from })).messages).toEqual({ from: ['property from should not exist'] });
    expect((await errorsOf(StaffingQuery, { to: GOOD.to })).messages).toEqual({ to: ['property to should not exist'] });
  });
});
