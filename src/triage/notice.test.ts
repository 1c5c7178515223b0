import { describe, expect, it } from 'vitest';
import { triageText } from './index.js';
import { parseLogTime, renderNotice, PHASES } from './notice.js';

const now = new Date('2025-03-14T10:00:00Z');

describe('renderNotice (the API respond and report reuse)', () => {
  it('parses CI timestamps with 7 fraction digits and offsets', () => {
    expect(parseLogTime('2022-12-01T17:39:21.3663768Z')?.toISOString()).toBe('2022-12-01T17:39:21.366Z');
    expect(parseLogTime('2024-01-02T10:11:12+02:00')?.toISOString()).toBe('2024-01-02T08:11:12.000Z');
    expect(parseLogTime('yesterday')).toBeUndefined();
  });

  it('says the cause is unknown rather than inventing one', () => {
    const r = triageText('make: *** [all] Error 2\n');
    const en = renderNotice(r, { lang: 'en', phase: 'investigating', now });
    expect(en).toContain(
      '**Preliminary diagnosis:** the cause is not yet known: no known failure signature was found in the log.',
    );
    expect(en).toContain('**Impact:** the failed CI job (the log does not name the job, pipeline or branch).');
    const zh = renderNotice(r, { lang: 'zh', phase: 'investigating', now });
    expect(zh).toContain('**初步诊断：** 原因尚未确定：日志中未发现已知的故障特征。需要人工阅读日志。');
  });

  it('moves through the phases: actions taken replace the plan; resolved has no next update', () => {
    const r = triageText('2025-03-14T09:41:07.0000000Z go: github.com/acme/lib@v1.2.0: unknown revision v1.2.0\n');
    for (const phase of PHASES) {
      const text = renderNotice(r, {
        lang: 'en',
        phase,
        now,
        service: 'billing',
        actions: phase === 'monitoring' ? ['Pinned github.com/acme/lib@v1.1.9 (modrescue fix replace)'] : undefined,
      });
      expect(text).toContain(
        '**Interruption started:** 2025-03-14 09:41:07 UTC (from the timestamps in the failed log)',
      );
      expect(text).toContain('service `billing`');
      if (phase === 'resolved') expect(text).not.toContain('Next update');
      else expect(text).toContain('**Next update:** by 2025-03-14 10:30 UTC');
      if (phase === 'monitoring') expect(text).toContain('- Pinned github.com/acme/lib@v1.1.9 (modrescue fix replace)');
    }
    const zh = renderNotice(r, { lang: 'zh', phase: 'monitoring', now, nextUpdateMinutes: 15 });
    expect(zh).toContain('**状态：** 观察中');
    expect(zh).toContain('**下次更新：** 2025-03-14 10:15 UTC 之前；如情况有变将提前通知。');
    expect(zh).toContain('所依赖的模块版本或提交不存在（或无效）');
  });
});
