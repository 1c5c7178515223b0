/**
 * The one helper that locates `../shared` (Go conformance vectors, fixtures, triage
 * corpus). Tests use the data in place. Set MODRESCUE_SHARED to point elsewhere.
 * A missing directory is an error, never a skip: CI must have it beside the checkout.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** repoRoot is the modrescue checkout. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let cached: string | undefined;

/** sharedDir returns the absolute path of the shared directory (contains testdata/, triage-corpus/). */
export function sharedDir(): string {
  if (cached) return cached;
  const candidates = [process.env['MODRESCUE_SHARED'], path.resolve(repoRoot, '../shared')].filter(
    (p): p is string => !!p,
  );
  for (const c of candidates) {
    if (existsSync(path.join(c, 'testdata', 'README.md'))) return (cached = c);
  }
  throw new Error(
    `cannot find the shared test data (looked in ${candidates.join(', ')}); clone it beside the checkout as ../shared or set MODRESCUE_SHARED`,
  );
}

/** testdata joins parts under ../shared/testdata. */
export function testdata(...parts: string[]): string {
  return path.join(sharedDir(), 'testdata', ...parts);
}

/** sharedPath joins parts under ../shared. */
export function sharedPath(...parts: string[]): string {
  return path.join(sharedDir(), ...parts);
}
