// docs/proxy.md is the operator guide: it must name every setting (with its environment
// variable), every metric, every endpoint and every error code, and its example config must
// be valid.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../test/support/shared.js';
import { resolveProxyConfig, SETTINGS } from './config.js';
import { STATUS_BY_CODE } from './errors.js';
import { createMetrics } from './metrics.js';

const doc = readFileSync(path.join(repoRoot, 'docs', 'proxy.md'), 'utf8');

describe('docs/proxy.md', () => {
  it('lists every setting with its environment variable and flag', () => {
    for (const s of SETTINGS) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${s.key}\` |`));
      expect(row, s.key).toBeDefined();
      expect(row).toContain(`\`${s.env}\``);
      if (s.flag) expect(row).toContain(`\`-${s.flag}\``);
    }
  });
  it('lists every metric', () => {
    const names = createMetrics({ processMetrics: false })
      .registry.getMetricsAsArray()
      .map((m) => m.name);
    for (const n of names) expect(doc, n).toContain(`\`${n}\``);
  });
  it('lists every error code and endpoint', () => {
    for (const code of Object.keys(STATUS_BY_CODE).filter(
      (c) => !['ERR_PROXY_CONFIG', 'ERR_PROXY_LISTEN', 'ERR_PROXY_STORAGE_KEY'].includes(c),
    ))
      expect(doc, code).toContain(code);
    for (const e of [
      '/-/healthz',
      '/-/readyz',
      '/-/metrics',
      '/-/api/modules',
      '/-/api/upstreams',
      '/sumdb/<name>/supported',
    ])
      expect(doc).toContain(e);
  });
  it('its example config file is valid', () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
    const { config } = resolveProxyConfig({ file: { path: 'example.yaml', text: yaml } });
    expect(config.upstreams.map((u) => u.fallBackOnError)).toEqual([false, false]);
    expect(config.private).toBe('corp.example/*');
  });
});
