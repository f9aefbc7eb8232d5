/**
 * The KPI catalogue as `GET /api/v1/reports/kpis` serves it (src/reports/kpis/catalogue.ts,
 * docs/KPIS.md): the overview's tiles and charts are built from it, so a KPI added to the
 * catalogue shows up here without touching the dashboard.
 */
import { api } from './api.js';
import { getLang } from './i18n.js';

let loading = null;

/** The catalogue, fetched once per page load (it changes only with a new release). */
export function loadCatalogue() {
  loading ??= api.get('/reports/kpis').catch((err) => {
    loading = null;
    throw err;
  });
  return loading;
}

/** A catalogue label (`{ pt, en }`) in the page's language. */
export function label(labels) {
  return labels[getLang()] ?? labels.en;
}

/**
 * Each section of the catalogue with its overview KPIs (tiles) and its charts, in catalogue order.
 * KPIs of another report (`report`, e.g. share of voice per topic) have their own page, not tiles.
 */
export function sections(catalogue) {
  return catalogue.sections
    .map((section) => ({
      ...section,
      tiles: catalogue.kpis.filter((k) => k.section === section.id && !k.report),
      charts: catalogue.charts.filter((c) => c.section === section.id),
    }))
    .filter((section) => section.tiles.length > 0 || section.charts.length > 0);
}

/**
 * Where the dashboard lists each kind of record behind a number: a view (with its id and fixed
 * parameters), and whether a CSV export of that name exists.
 */
const RECORDS = {
  mentions: { view: 'mentions', csv: true },
  posts: { view: null, csv: true },
  cases: { view: 'inbox', params: { tab: 'cases', opened: 'range' }, csv: true },
  unanswered: { view: 'inbox', params: { tab: 'unanswered' } },
  leads: { view: 'records', id: 'leads', csv: true },
  contacts: { view: 'records', id: 'contacts' },
  traffic: { view: 'records', id: 'traffic' },
  outliers: { view: 'records', id: 'outliers' },
  surveys: { view: 'records', id: 'surveys' },
};

/** The view that lists a drill-down's records (`{ of, filter }` of the catalogue), or null. */
export function rowsTarget(drill, extra = {}) {
  const records = drill && RECORDS[drill.of];
  if (!records?.view) return null;
  return { view: records.view, id: records.id, params: { ...records.params, ...extra, ...drill.filter } };
}

/** The CSV export of a drill-down (`{ name, params }`), or null when there is none. */
export function csvTarget(drill) {
  if (!drill || !RECORDS[drill.of]?.csv) return null;
  return { name: drill.of, params: { ...drill.filter } };
}

/** The value at a dotted API name of the overview (`service.firstResponse.median`). */
export function valueAt(overview, kpi) {
  return kpi.split('.').reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), overview);
}
