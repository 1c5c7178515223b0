import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/support/chromium.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import * as semver from '../mod/semver/index.js';
import { Graph, type ModuleVersion } from '../mod/mvs/index.js';
import {
  buildView,
  focusView,
  formatWhyModule,
  limitDepth,
  renderDot,
  renderHtml,
  renderMermaid,
  renderText,
  replacedAnnotation,
  whyModule,
} from './index.js';

const mv = (s: string): ModuleVersion => {
  const [path, version = ''] = s.split('@');
  return { path: path!, version };
};
/** graphOf builds an mvs.Graph from "from: to to" lines (the main module is "m"). */
function graphOf(spec: string): Graph {
  const g = new Graph((_p, a, b) => (a === '' ? (b === '' ? 0 : 1) : b === '' ? -1 : semver.compare(a, b)), [mv('m')]);
  for (const line of spec.trim().split('\n')) {
    const [from, to = ''] = line.split(':');
    g.require(mv(from!.trim()), to.trim() === '' ? [] : to.trim().split(/\s+/).map(mv));
  }
  return g;
}

const diamond = graphOf(`
m: a.com/a@v1.0.0 b.com/b@v1.0.0 c.com/c@v1.0.0
a.com/a@v1.0.0: x.com/x@v1.1.0
b.com/b@v1.0.0: x.com/x@v1.2.0
c.com/c@v1.0.0: d.com/d@v1.0.0
d.com/d@v1.0.0: x.com/x@v1.0.0
x.com/x@v1.2.0:
`);

describe('whyModule', () => {
  it('lists every shortest path and the deciding requirement', () => {
    const r = whyModule(diamond, 'x.com/x', { replaced: new Map([['x.com/x', '../x']]) }, semver.compare);
    expect(r.selected).toBe('v1.2.0');
    expect(r.paths.map((p) => p.map((s) => `${s.path}${s.version ? '@' + s.version : ''}`).join(' > '))).toEqual([
      'm > a.com/a@v1.0.0 > x.com/x@v1.1.0',
      'm > b.com/b@v1.0.0 > x.com/x@v1.2.0',
    ]);
    expect(r.requiredVersions).toEqual(['v1.0.0', 'v1.1.0', 'v1.2.0']);
    expect(r.deciders).toEqual([{ by: 'b.com/b@v1.0.0', requires: 'v1.2.0', active: true }]);
    expect(r.replacedBy).toBe('../x');
    const text = formatWhyModule(r);
    expect(text).toContain('2 shortest requirement paths (2 steps)');
    expect(text).toContain('→ x.com/x v1.1.0 (selected: v1.2.0)');
    expect(text).toContain('b.com/b@v1.0.0 requires x.com/x v1.2.0');
  });
  it('says when a module is not in the graph', () => {
    const r = whyModule(diamond, 'nope.com/z');
    expect(r.selected).toBe('none');
    expect(formatWhyModule(r)).toBe('nope.com/z: not in the module graph (the main module does not need it)');
  });
});

describe('views and renderers', () => {
  const view = buildView(diamond);
  it('walks breadth-first with depths and selection', () => {
    expect(view.nodes.map((n) => `${n.id}:${n.depth}:${n.selected ? 's' : '-'}`)).toEqual([
      'm:0:s',
      'a.com/a@v1.0.0:1:s',
      'b.com/b@v1.0.0:1:s',
      'c.com/c@v1.0.0:1:s',
      'x.com/x@v1.1.0:2:-',
      'x.com/x@v1.2.0:2:s',
      'd.com/d@v1.0.0:2:s',
      'x.com/x@v1.0.0:3:-',
    ]);
  });
  it('focus keeps only paths to the module; depth cuts', () => {
    const f = focusView(view, 'd.com/d');
    expect(f.nodes.map((n) => n.id)).toEqual(['m', 'c.com/c@v1.0.0', 'd.com/d@v1.0.0']);
    expect(limitDepth(view, 1).nodes).toHaveLength(4);
  });
  it('renders text, dot and mermaid', () => {
    const t = renderText(view);
    expect(t.split('\n')[0]).toBe('m');
    expect(t).toContain('├── a.com/a v1.0.0');
    expect(t).toContain('x.com/x v1.1.0 (not selected, pruned)');
    expect(renderDot(view)).toContain('"b.com/b@v1.0.0" -> "x.com/x@v1.2.0";');
    expect(renderMermaid(view)).toMatch(/^flowchart LR\n {2}n0\["m"\]/);
  });
});

describe('HTML page in headless Chromium', () => {
  let browser: BrowserContext;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-graph-'));
    browser = await launchChromium(dir);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('searches, explains a clicked node, and makes no network request', async () => {
    const file = path.join(dir, 'graph.html');
    await writeFile(file, renderHtml(buildView(diamond), 'example.com/m </script><b>'));
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto('file://' + file);
    expect(await page.locator('g.node').count()).toBe(8);
    await page.fill('#search', 'x.com');
    expect(await page.locator('#count').textContent()).toBe('3 matches');
    expect(await page.locator('g.node.hit').count()).toBe(3);
    await page.locator('g.node[data-id="x.com/x@v1.1.0"]').click();
    expect(await page.locator('#info-title').textContent()).toBe('x.com/x v1.1.0');
    expect(await page.locator('#info-status').textContent()).toBe('Not selected: the build uses v1.2.0.');
    expect(await page.locator('#info-requiredby li').allTextContents()).toEqual(['a.com/a@v1.0.0']);
    expect(await page.locator('#info-why').textContent()).toContain('Selected v1.2.0, required by:b.com/b@v1.0.0');
    await page.locator('#info-why a[data-go="b.com/b@v1.0.0"]').click();
    expect(await page.locator('#info-title').textContent()).toBe('b.com/b v1.0.0');
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(requests).toHaveLength(1);
    await page.close();
  }, 60_000);
});

describe('replacedAnnotation', () => {
  it('labels path-wide and versioned replacements of every main module; a later directive wins', () => {
    const r = (old: string, nw: string) => ({ old: mv(old), new: mv(nw) });
    const got = replacedAnnotation([
      { file: { replace: [r('a.com/a', '../a'), r('b.com/b@v1.0.0', 'c.com/c@v1.1.0')] } },
      { file: { replace: [r('a.com/a', 'd.com/d@v2.0.0')] } },
    ]);
    expect([...got]).toEqual([
      ['a.com/a', 'd.com/d v2.0.0'],
      ['b.com/b@v1.0.0', 'c.com/c v1.1.0'],
    ]);
  });
});
