import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';

export interface DashboardFile {
  path: string;
  type: string;
  /** Browser builds from node_modules change only with the package version. */
  vendor: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

/** Browser builds served from node_modules, so the page needs no bundler and no CDN. */
const VENDOR: Record<string, { pkg: string; file: string }> = {
  'vendor/echarts.esm.min.mjs': { pkg: 'echarts', file: 'dist/echarts.esm.min.mjs' },
  'vendor/luxon.mjs': { pkg: 'luxon', file: 'build/es6/luxon.mjs' },
};

/**
 * The files the dashboard may serve, listed once at start-up: everything under `public/assets`
 * plus the vendor builds. A request names a key of this map, never a path on disk, so no URL can
 * reach outside these files. `public/` sits beside this file both in `src/` (tests, through SWC)
 * and in `dist/` (nest-cli.json copies it).
 */
export class DashboardFiles {
  readonly index: DashboardFile;
  private readonly assets = new Map<string, DashboardFile>();

  constructor(readonly publicDir = join(__dirname, 'public')) {
    const index = join(publicDir, 'index.html');
    if (!existsSync(index)) throw new Error(`dashboard: ${index} is missing (is src/dashboard/public copied by nest-cli.json assets?)`);
    this.index = { path: index, type: TYPES['.html'], vendor: false };
    const assetsDir = join(publicDir, 'assets');
    for (const file of walk(assetsDir)) {
      const type = TYPES[extname(file)];
      if (type) this.assets.set(relative(assetsDir, file).split(sep).join('/'), { path: file, type, vendor: false });
    }
    for (const [name, { pkg, file }] of Object.entries(VENDOR)) {
      const path = join(dirname(require.resolve(`${pkg}/package.json`)), file);
      if (!existsSync(path)) throw new Error(`dashboard: ${pkg} has no ${file}; reinstall dependencies`);
      this.assets.set(name, { path, type: TYPES[extname(path)], vendor: true });
    }
  }

  asset(name: string): DashboardFile | undefined {
    return this.assets.get(name);
  }

  names(): string[] {
    return [...this.assets.keys()].sort();
  }
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}
