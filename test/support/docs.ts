/**
 * Generated sections of the docs: a table the code owns, kept in a Markdown file between
 * a begin and an end marker line (`<begin>\n<table>\n<end>`), checked by a test and
 * rewritten by that test with UPDATE_GOLDEN=1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

/** locate returns where the section's content starts and ends in doc (markers excluded). */
function locate(file: string, doc: string, begin: string, end: string): [number, number] {
  const at = doc.indexOf(begin);
  const stop = at < 0 ? -1 : doc.indexOf(end, at + begin.length);
  if (at < 0 || stop < 0) throw new Error(`${file} has no section between ${begin} and ${end}`);
  return [at + begin.length, stop];
}

/** generatedSection returns the section of file between the begin and end marker lines. */
export function generatedSection(file: string, begin: string, end: string): string {
  const doc = readFileSync(file, 'utf8');
  const [from, to] = locate(file, doc, begin, end);
  return doc.slice(from, to).replace(/^\n/, '').replace(/\n$/, '');
}

/**
 * expectGeneratedSection checks that the section of file between begin and end is exactly
 * want, each marker on its own line. With UPDATE_GOLDEN=1 the section is rewritten first.
 */
export function expectGeneratedSection(file: string, begin: string, end: string, want: string): void {
  const doc = readFileSync(file, 'utf8');
  const [from, to] = locate(file, doc, begin, end);
  const have = doc.slice(from, to);
  if (process.env['UPDATE_GOLDEN'] === '1' && have !== '\n' + want + '\n') {
    writeFileSync(file, doc.slice(0, from) + '\n' + want + '\n' + doc.slice(to));
    return;
  }
  expect(have).toBe('\n' + want + '\n');
}
