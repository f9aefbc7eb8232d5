import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DashboardFiles } from './dashboard-files';

describe('DashboardFiles', () => {
  it('serves the page, its modules and the vendor builds by name', () => {
    const files = new DashboardFiles();
    expect(files.index.type).toMatch(/^text\/html/);
    expect(files.names()).toEqual(
      expect.arrayContaining(['app.js', 'app.css', 'views/overview.js', 'vendor/echarts.esm.min.mjs', 'vendor/luxon.mjs']),
    );
    expect(files.asset('vendor/echarts.esm.min.mjs')).toMatchObject({ type: expect.stringMatching(/^text\/javascript/), vendor: true });
    expect(files.asset('app.js')).toMatchObject({ vendor: false });
  });

  it('knows no name outside its list, so no path can leave the public folder', () => {
    const files = new DashboardFiles();
    for (const name of ['../dashboard.module.ts', '../../package.json', '/etc/passwd', 'vendor/../../index.html', '']) {
      expect(files.asset(name)).toBeUndefined();
    }
  });

  it('skips files of unknown types and hidden files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(join(dir, 'assets', 'a.js'), '');
    writeFileSync(join(dir, 'assets', 'notes.txt'), '');
    writeFileSync(join(dir, 'assets', '.env'), '');
    const files = new DashboardFiles(dir);
    expect(files.names().filter((n) => !n.startsWith('vendor/'))).toEqual(['a.js']);
  });

  it('refuses to start without its page, naming the missing file', () => {
    expect(() => new DashboardFiles(join(tmpdir(), 'no-such-dashboard'))).toThrow(/index\.html is missing/);
  });
});
