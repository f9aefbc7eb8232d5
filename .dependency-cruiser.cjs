/**
 * dependency-cruiser rules: the layers of src/ point one way (run by `npm run lint`).
 *
 * The layers, lowest first (a layer may import its own folders and any layer below it):
 *   0. src/embedded-mongo        the engine: imports nothing from the app; others reach it only via index.ts
 *   1. src/common, src/config    shared types and helpers, settings (they may import each other)
 *   2. src/database, src/jobs    the database connection and the job engine (BullMQ or in process)
 *   3. features (ingestion): workspaces, http, topics, enrichment, mentions, themes, collectors, care,
 *      engagement, leads, traffic, surveys, inputs, webhooks, report-freshness (peers: they may import each other,
 *      but never a folder above them)
 *   4. src/reports, src/forecast KPIs over the rows the features store, and the inbound forecast and the
 *                                staffing it implies (peers: they may import each other)
 *   5. src/alerts, src/exports, src/dashboard, src/health, src/digests   consumers of reports and features
 *   6. src/demo                  the demo: network emulators (demo/networks), demo traffic
 *      (demo/traffic) and demo data; only the app module and tests import it
 *   src/app.module.ts, src/app.factory.ts, src/main.ts wire everything together.
 */
const FEATURES =
  '(workspaces|http|topics|enrichment|mentions|themes|collectors|care|engagement|leads|traffic|surveys|inputs|webhooks|report-freshness)';
const REPORTING = '(reports|forecast)';
const CONSUMERS = '(alerts|exports|dashboard|health|digests)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle between modules makes load order matter and the pieces impossible to take apart; move the shared piece down a layer.',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'engine-imports-nothing-from-the-app',
      severity: 'error',
      comment: 'src/embedded-mongo is a standalone engine: it must not import from the rest of src/.',
      from: { path: '^src/embedded-mongo/' },
      to: { path: '^src/', pathNot: '^src/embedded-mongo/' },
    },
    {
      name: 'engine-only-through-its-index',
      severity: 'error',
      comment: 'The app uses the engine only through src/embedded-mongo/index.ts (tests of its internals in test/ may reach further).',
      from: { path: '^src/', pathNot: '^src/embedded-mongo/' },
      to: { path: '^src/embedded-mongo/', pathNot: '^src/embedded-mongo/index\\.ts$' },
    },
    {
      name: 'common-and-config-are-the-bottom',
      severity: 'error',
      comment: 'src/common and src/config hold shared pieces: they import nothing above them (only each other and the engine).',
      from: { path: '^src/(common|config)/' },
      to: { path: '^src/', pathNot: '^src/(common|config|embedded-mongo)/' },
    },
    {
      name: 'infrastructure-below-features',
      severity: 'error',
      comment: 'src/database and src/jobs serve the features; they import only common, config and the engine.',
      from: { path: '^src/(database|jobs)/' },
      to: { path: '^src/', pathNot: '^src/(common|config|embedded-mongo|database|jobs)/' },
    },
    {
      name: 'ingestion-does-not-import-reports',
      severity: 'error',
      comment:
        'Features store rows; reports and the forecast read them. A piece both need (row types, time buckets, lead attribution) belongs in src/common.',
      from: { path: `^src/${FEATURES}/` },
      to: { path: `^src/(${REPORTING.slice(1, -1)}|${CONSUMERS.slice(1, -1)})/|^src/app\\.` },
    },
    {
      name: 'features-do-not-import-the-demo',
      severity: 'error',
      comment: "The demo sits above everything; a feature's spec may still use an emulator as its test server.",
      from: { path: `^src/${FEATURES}/`, pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/demo/' },
    },
    {
      name: 'reports-below-consumers',
      severity: 'error',
      comment: 'src/reports and src/forecast are read by alerts, exports and the dashboard, never the reverse; the demo sits above them.',
      from: { path: `^src/${REPORTING}/` },
      to: { path: `^src/(${CONSUMERS.slice(1, -1)}|demo)/|^src/app\\.` },
    },
    {
      name: 'consumers-below-demo',
      severity: 'error',
      comment: 'alerts, exports, dashboard and health do not depend on the demo.',
      from: { path: `^src/${CONSUMERS}/` },
      to: { path: '^src/demo/|^src/app\\.' },
    },
    {
      name: 'emulators-only-from-demo',
      severity: 'error',
      comment:
        'Network emulators and demo traffic are demo code: only src/demo and tests (test/, specs) may import them, never a real collector.',
      from: { path: '^src/', pathNot: ['^src/demo/', '\\.spec\\.ts$'] },
      to: { path: '^src/demo/(networks|traffic)/' },
    },
    {
      name: 'not-to-spec',
      severity: 'error',
      comment: 'Production code must not import a spec file.',
      from: { pathNot: '\\.(spec|e2e-spec)\\.ts$' },
      to: { path: '\\.(spec|e2e-spec)\\.ts$' },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment: 'src/ (except specs and tools run from the repository) must not need a devDependency at run time.',
      from: { path: '^src/', pathNot: ['\\.spec\\.ts$', '/tools/'] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'], pathNot: ['node_modules/@types/'] },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment: 'Every package imported is declared in package.json.',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing.',
      from: {},
      to: { couldNotResolve: true, pathNot: '^\\./vendor/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The dashboard's vendor/ modules are served from node_modules by the dashboard controller.
    exclude: { path: ['^(dist|coverage|node_modules)/', '^src/dashboard/public/assets/vendor/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
