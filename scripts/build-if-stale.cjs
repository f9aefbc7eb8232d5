#!/usr/bin/env node
/**
 * `npm start` runs this, then execs `node dist/main.js`: the service is built once (`nest build`,
 * which type-checks, compiles src/ to dist/ and copies the assets of nest-cli.json) and only again
 * when what the build reads has changed, so no compiler or CLI stays resident beside the service.
 *
 * "Changed" is a sha256 over the contents of the build's inputs (src/ without specs and tools,
 * the tsconfig files, nest-cli.json, package-lock.json), compared with the one written to
 * dist/.build-stamp after the last successful build. Content, not mtimes: a fresh clone or a
 * `git checkout` touches every file without changing what is built.
 *
 * `--force` builds whatever the stamp says (`npm run build`). Exits with the build's status.
 */
'use strict';
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, readdirSync, writeFileSync } = require('node:fs');
const { join, relative, sep } = require('node:path');

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.build-stamp');
const ROOT_INPUTS = ['tsconfig.json', 'nest-cli.json', 'package-lock.json'];

/** Files under src/ the build reads or copies; specs and offline tools are not built. */
function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'tools' && entry.name !== 'screenshots') yield* sourceFiles(full);
    } else if (!/\.spec\.ts$/.test(entry.name)) {
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

function main() {
  const force = process.argv.includes('--force');
  const started = Date.now();
  const wanted = inputsHash();
  const current = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : null;
  if (!force && current === wanted && existsSync(join(DIST, 'main.js'))) return 0;

  process.stdout.write(`Building the service into dist/ (${current ? 'sources changed' : 'no build yet'}; once per change)...\n`);
  const nest = require.resolve('@nestjs/cli/bin/nest.js', { paths: [ROOT] });
  const build = spawnSync(process.execPath, [nest, 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write(`The build failed (${build.signal ?? `exit ${build.status}`}); nothing was started.\n`);
    return build.status || 1;
  }
  writeFileSync(STAMP, `${wanted}\n`);
  process.stdout.write(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  return 0;
}

process.exitCode = main();
