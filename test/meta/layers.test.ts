/**
 * The layers of src/, lowest first: a module may import its own folder and
 * any folder listed before its own, never one after it. A new upward import
 * (or a new folder not in this list) fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from .test-build/test/meta/). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const LAYERS = [
  // shared ground: no Installer knowledge
  'errors.ts',
  'util',
  'package-root.ts',
  'version.ts',
  'diagnostics',
  'types.ts',
  // the Installer's own rules, shared by the mocks and the semantics
  'installer',
  // inputs, as data
  'profile',
  'distribution',
  'requirements',
  'package',
  'input',
  // running guest code
  'sandbox',
  'mocks',
  'simulate',
  'runner',
  // reading results
  'explain',
  'expect',
  'reporters',
  // entry points
  'index.ts',
  'cli',
  'cli.ts',
];

const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The layer a file belongs to: its top folder under src/, or its own name for a file directly in src/. */
function layerOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]!;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) found.push(m[1]!);
  return found;
}

describe('src/ imports only downward', () => {
  const files = sourceFiles(SRC);

  it('every file lives in a known layer', () => {
    const unknown = [...new Set(files.map(layerOf))].filter((l) => !LAYERS.includes(l));
    assert.deepEqual(unknown, [], 'add the new folder to LAYERS in test/meta/layers.test.ts, at its place');
  });

  it('no module imports a layer above its own', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const spec of importsOf(file)) {
        const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
        if (!target.startsWith(SRC + path.sep)) continue;
        const to = layerOf(target);
        if (to !== from && LAYERS.indexOf(to) > LAYERS.indexOf(from)) upward.push(`${path.relative(ROOT, file)} -> ${spec} (${from} imports ${to})`);
      }
    }
    assert.deepEqual(upward, []);
  });
});
