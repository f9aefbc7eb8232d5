import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as care from './care';
import * as competitors from './competitors';
import { catalogueView, KPI_CHARTS, KPIS, kpiByName, TARGET_KPIS, TIMESERIES_KPIS } from './catalogue';
import * as deflection from './deflection';
import { KPIS_DOC_PATH, renderKpisDoc } from './docs';
import * as engagement from './engagement';
import * as leads from './leads';
import * as listening from './listening';
import * as surveys from './surveys';

const MODULES: Record<string, Record<string, unknown>> = { care, deflection, engagement, leads, listening, surveys, competitors };

describe('KPI catalogue', () => {
  it('docs/KPIS.md is the catalogue rendered (run `npm run docs:kpis` after changing it)', () => {
    const file = readFileSync(resolve(__dirname, '../../..', KPIS_DOC_PATH), 'utf8');
    expect(file).toBe(renderKpisDoc());
  });

  it('names each KPI once', () => {
    const names = KPIS.map((k) => k.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("points at a function exported by the section's own file", () => {
    for (const k of KPIS) expect(MODULES[k.section]?.[k.computedBy.name]).toBe(k.computedBy);
  });

  it('one rule for trends, targets and series: numbers that follow the range', () => {
    const excluded = KPIS.filter((k) => !k.target && !k.report).map((k) => k.name);
    expect(excluded).toEqual(['support.peakHour', 'service.unanswered', 'csat.followUps']);
    expect(TIMESERIES_KPIS).toEqual(TARGET_KPIS);
    expect(TARGET_KPIS).toContain('volume.byPlatform.mastodon');
    // another report's KPIs (share of voice, per topic) are not the overview's: no trend, target or series
    expect(TARGET_KPIS.filter((k) => k.startsWith('shareOfVoice.'))).toEqual([]);
  });

  it('draws charts only of KPIs that have a series', () => {
    for (const chart of KPI_CHARTS) for (const s of chart.series) expect(kpiByName(s.kpi)?.timeseries).toBe(true);
  });

  it('serves plain data: no functions, labels in pt and en', () => {
    const view = catalogueView();
    const json = JSON.parse(JSON.stringify(view));
    expect(json).toEqual(view);
    expect(view.kpis.find((k) => k.name === 'service.firstResponse.p90')).toMatchObject({
      unit: 'seconds',
      better: 'lower',
      label: { en: 'First response, p90', pt: 'Primeira resposta, p90' },
      computedBy: 'src/reports/kpis/care.ts#firstResponse',
    });
  });
});
