#!/usr/bin/env node
/**
 * `npm start` runs this, then execs `node dist/main.js`: the service is built once and only again
 * when what the build reads has changed, so no compiler or CLI stays resident beside the service.
 *
 * The build compiles src/ to dist/ with SWC (@swc/core, the same compiler and settings the tests
 * run the code through: Jest's transform and @swc-node/register) and copies the assets
 * `nest-cli.json` lists. It does not type-check: `npm run typecheck` does, and CI runs it. `nest
 * build` (tsc) did both, and held about 1 GB for 20 s at the first start; this takes a second or two
 * and under 150 MB.
 *
 * "Changed" is a sha256 over the contents of the build's inputs (src/ without specs and tools,
 * the tsconfig files, nest-cli.json, package-lock.json, this script), compared with the one written
 * to dist/.build-stamp after the last successful build. Content, not mtimes: a fresh clone or a
 * `git checkout` touches every file without changing what is built.
 *
 * `--force` builds whatever the stamp says (`npm run build`). Exits non-zero when the build fails.
 */
'use strict';
const { createHash } = require('node:crypto');
const { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join, relative, sep } = require('node:path');

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.build-stamp');
const SRC = join(ROOT, 'src');
const ROOT_INPUTS = ['tsconfig.json', 'nest-cli.json', 'package-lock.json', 'scripts/build-if-stale.cjs'];

/** Files under src/ the build reads or copies; specs and offline tools are not built. */
function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'tools' && entry.name !== 'screenshots') yield* sourceFiles(full);
    } else if (!/spec\.ts$/.test(entry.name)) {
      yield full;
    }
  }
}

function inputsHash() {
  const hash = createHash('sha256');
  const files = [...ROOT_INPUTS.map((f) => join(ROOT, f)).filter(existsSync), ...sourceFiles(join(ROOT, 'src'))];
  for (const file of files) {
    hash.update(relative(ROOT, file).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The settings of Jest's SWC transform (package.json), which every test runs the code through. */
const SWC_OPTIONS = {
  swcrc: false,
  sourceMaps: true,
  jsc: {
    parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};

/** nest-cli.json's assets (globs under src/): the dashboard's files, HTML, and the JSON models and lexicons. */
const isAsset = (rel) => /^dashboard\/public\//.test(rel) || /\.(html|json)$/.test(rel);

/** Compiles src/ into a fresh dist/ and copies the assets; throws on the first file that fails. */
function build() {
  const swc = require(require.resolve('@swc/core', { paths: [ROOT] }));
  rmSync(DIST, { recursive: true, force: true });
  let compiled = 0;
  let copied = 0;
  for (const file of sourceFiles(SRC)) {
    const rel = relative(SRC, file).split(sep).join('/');
    const out = join(DIST, rel);
    mkdirSync(dirname(out), { recursive: true });
    if (isAsset(rel)) {
      if (rel === 'tsconfig.build.json') continue;
      copyFileSync(file, out);
      copied++;
    } else if (/\.ts$/.test(rel) && !/\.d\.ts$/.test(rel)) {
      const js = out.replace(/\.ts$/, '.js');
      const { code, map } = swc.transformFileSync(file, { ...SWC_OPTIONS, filename: file, sourceFileName: relative(dirname(js), file) });
      writeFileSync(js, `${code}\n//# sourceMappingURL=${js.slice(dirname(js).length + 1)}.map\n`);
      writeFileSync(`${js}.map`, map);
      compiled++;
    }
  }
  return { compiled, copied };
}

function main() {
  const force = process.argv.includes('--force');
  const started = Date.now();
  const wanted = inputsHash();
  const current = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : null;
  if (!force && current === wanted && existsSync(join(DIST, 'main.js'))) return 0;

  process.stdout.write(`Building the service into dist/ (${current ? 'sources changed' : 'no build yet'}; once per change)...\n`);
  let done;
  try {
    done = build();
  } catch (err) {
    // A half-written dist/ must not pass for a build: without its stamp the next start builds again.
    rmSync(STAMP, { force: true });
    process.stderr.write(`The build failed; nothing was started.\n${err && err.stack ? err.stack : err}\n`);
    return 1;
  }
  writeFileSync(STAMP, `${wanted}\n`);
  process.stdout.write(
    `Built ${done.compiled} files and copied ${done.copied} assets in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
  );
  return 0;
}

process.exitCode = main();
