import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** Relative import specifiers of a TypeScript file (static imports, re-exports, require, jest.mock). */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = text.matchAll(/(?:from\s+|import\s*\(\s*|require(?:Actual)?(?:<[^>]*>)?\(\s*|jest\.mock\(\s*)'(\.{1,2}\/[^']*)'/g);
  return [...found].map((m) => m[1]);
}

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

const ENGINE = __dirname;
const SRC = resolve(ENGINE, '..');

describe('the embedded engine as a unit', () => {
  it('imports nothing from the application (only its own files and packages)', () => {
    const files = typescriptFiles(ENGINE);
    expect(files.length).toBeGreaterThan(40);
    const outside = files.flatMap((file) =>
      relativeImports(file)
        .filter((spec) => !resolve(file, '..', spec).startsWith(ENGINE + sep))
        .map((spec) => `${relative(ENGINE, file)} -> ${spec}`),
    );
    expect(outside).toEqual([]);
  });

  it('is imported by the application through index.ts only', () => {
    const appFiles = typescriptFiles(SRC).filter((f) => !f.startsWith(ENGINE + sep));
    const deep = appFiles.flatMap((file) =>
      relativeImports(file)
        .filter((spec) => resolve(file, '..', spec).startsWith(ENGINE + sep))
        .map((spec) => `${relative(SRC, file)} -> ${spec}`),
    );
    expect(deep).toEqual([]);
  });
});
