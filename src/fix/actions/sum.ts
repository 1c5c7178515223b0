/**
 * `modrescue fix sum`
 *
 * What it does: repairs go.sum. It adds the lines the build needs (the go.mod hash of
 * every module whose go.mod the graph is read from, the zip hash of every module that
 * provides an imported package — or, where the module cache cannot tell, of every
 * build-list module), corrects lines whose hash disagrees with the checksum database,
 * removes orphans (lines of module versions that are not in the module graph at all),
 * duplicates of a conflicting hash and malformed lines. The file is written in the go
 * command's order (module.sort, as WriteGoSum).
 *
 * Where hashes come from: for public modules only from the checksum database (GOSUMDB),
 * each record tlog-verified by the sumdb client against the signed tree head — never
 * from a download, so a poisoned proxy cannot get its hash written. For private modules
 * (GONOSUMDB/GOPRIVATE) from a fresh download through GOPROXY, labelled "trust on first
 * use" in the plan; an existing private line that differs from a fresh download is NOT
 * changed (that is a moved tag — see fix pin). Lines that cannot be verified (offline,
 * GOSUMDB=off, database unreachable, not in the database) are left as they are and listed.
 *
 * Risk: low — only go.sum changes, and only to hashes a checksum database signed (or,
 * for private modules, what the origin serves now).
 *
 * Undo: `modrescue undo <id>` restores go.sum byte for byte.
 */
import path from 'node:path';
import * as gover from '../../mod/gover/index.js';
import * as gosum from '../../mod/gosum/index.js';
import * as module from '../../mod/module/index.js';
import { readMaybe } from '../atomic.js';
import { errorMessage } from '../../doctor/util.js';
import type { PlanContext } from '../context.js';
import { requireGoMod } from '../context.js';
import type { PlanDraft } from '../engine.js';
import { freshHashes, proxyClient } from '../supply.js';
import type { ActionInfo, PlanStep, SumSpec } from '../types.js';
import type { GoproxyClient } from '../../mod/goproxy/index.js';

export const info: ActionInfo = {
  id: 'sum',
  usage: 'fix sum',
  summary:
    'repairs go.sum: adds missing lines, corrects wrong ones, removes orphans — public hashes only from the checksum database, private ones from a fresh download (trust on first use)',
  risk: 'low',
  undo: 'restores go.sum byte for byte',
  verify: ['gosum-complete'],
};

/** Key is a go.sum line key: path and version ("vX" or "vX/go.mod"). */
interface Key {
  readonly path: string;
  readonly version: string;
}

/** readLenient reads every well-formed go.sum line (the go command stops at the first bad one; we keep the rest). */
function readLenient(file: string, data: Buffer | undefined): { sum: gosum.GoSum; malformed: number[] } {
  const sum = gosum.createGoSum({ file });
  const malformed: number[] = [];
  if (!data) return { sum, malformed };
  const lines = data.toString('utf8').split('\n');
  lines.forEach((line, i) => {
    const f = line
      .trim()
      .split(/\s+/)
      .filter((x) => x !== '');
    if (f.length === 0) return;
    if (f.length !== 3) {
      malformed.push(i + 1);
      return;
    }
    // The go command drops the empty-go.mod hash of an old bug on read.
    if (f[1]!.endsWith('/go.mod') && f[2] === gosum.EMPTY_GOMOD_HASH) return;
    sum.add(f[0]!, f[1]!, f[2]!);
  });
  return { sum, malformed };
}

export async function plan(_spec: SumSpec, pc: PlanContext): Promise<PlanDraft> {
  requireGoMod(pc, 'sum');
  const file = path.join(pc.root, 'go.sum');
  const data = await readMaybe(file);
  const { sum, malformed } = readLenient(file, data);
  const s = pc.session();
  const steps: PlanStep[] = [];
  const notes: string[] = [];
  const unresolved: string[] = [];

  // What the build needs, from the module graph (as gosum-complete decides it).
  const g = await s.graph();
  const neededMod = new Map<string, Key>();
  const neededZip = new Map<string, Key>();
  const inGraph = new Set<string>();
  if (g.mg) {
    const mg = g.mg;
    mg.walkBreadthFirst((m) => {
      if (m.path === mg.main.path || m.version === '' || m.version === 'none' || gover.isToolchain(m.path)) return;
      const actual = mg.replacements.replacement(m) ?? m;
      if (actual.version === '') return;
      inGraph.add(`${actual.path}@${actual.version}`);
      if (mg.summary(m)) neededMod.set(`${actual.path}@${actual.version}`, actual);
    });
    const pk = await s.packages();
    if (pk.graph) {
      for (const p of pk.graph.pkgs) {
        if (!p.module || p.module.path === mg.main.path) continue;
        const actual = mg.replacements.replacement(p.module) ?? p.module;
        if (actual.version !== '') neededZip.set(`${actual.path}@${actual.version}`, actual);
      }
    }
    // When some module is not extracted in the module cache, the packages it imports are
    // unknown: every build-list module may provide one, so every zip line is kept.
    if (!pk.graph || pk.missingDirs.some((m) => m.path !== mg.main.path)) {
      for (const m of mg.buildList()) {
        if (m.path === mg.main.path) continue;
        const actual = mg.replacements.replacement(m) ?? m;
        if (actual.version !== '') neededZip.set(`${actual.path}@${actual.version}`, actual);
      }
    }
  } else {
    notes.push(
      `the module graph could not be loaded (${errorMessage(g.error).split('\n')[0]}): only go.mod's own requirements are checked and no line is removed as an orphan`,
    );
    try {
      const main = await s.mainModule();
      for (const r of main.file.require) {
        neededMod.set(`${r.mod.path}@${r.mod.version}`, r.mod);
        neededZip.set(`${r.mod.path}@${r.mod.version}`, r.mod);
      }
    } catch (e) {
      notes.push(`go.mod could not be read: ${errorMessage(e).split('\n')[0]}`);
    }
  }

  // Every module version we need to know the true hashes of.
  const versions = new Map<string, Key>();
  for (const [k, m] of [...neededMod, ...neededZip]) versions.set(k, m);
  for (const l of sum.entries()) {
    const v = l.version.replace(/\/go\.mod$/, '');
    const k = `${l.path}@${v}`;
    if (inGraph.has(k) || !g.mg) versions.set(k, { path: l.path, version: v });
  }

  const gonosumdb = pc.v('GONOSUMDB');
  const sumdbOff = pc.v('GOSUMDB') === 'off';
  const db = s.sumdb();
  const dbName = db.kind === 'on' ? db.config.name : '';
  let client: GoproxyClient | undefined;
  if (pc.ctx.fetch) {
    try {
      client = proxyClient(pc);
    } catch (e) {
      notes.push(`GOPROXY is unusable (${errorMessage(e)}): private modules cannot be downloaded`);
    }
  }

  // The true hashes: checksum database (public) or fresh download (private).
  interface Truth {
    readonly zip?: string;
    readonly goMod?: string;
    readonly trust: string;
    readonly private: boolean;
  }
  const truths = new Map<string, Truth | { error: string; private: boolean }>();
  await Promise.all(
    [...versions].map(async ([k, m]) => {
      const isPrivate = module.matchPrefixPatterns(gonosumdb, m.path);
      if (!isPrivate) {
        if (sumdbOff) {
          return truths.set(k, {
            error: 'GOSUMDB=off: there is no checksum database to verify public hashes against',
            private: false,
          });
        }
        if (db.kind !== 'on')
          return truths.set(k, {
            error: `GOSUMDB is unusable: ${db.kind === 'error' ? db.message : 'off'}`,
            private: false,
          });
        const r = await s.sumdbLookup(m.path, m.version);
        if (!r.lines)
          return truths.set(k, { error: `checksum database: ${errorMessage(r.error).split('\n')[0]}`, private: false });
        const find = (v: string) => r.lines!.find((l) => l.startsWith(`${m.path} ${v} h1:`))?.split(' ')[2];
        const zip = find(m.version);
        const goMod = find(m.version + '/go.mod');
        return truths.set(k, {
          ...(zip ? { zip } : {}),
          ...(goMod ? { goMod } : {}),
          trust: `checksum database ${dbName}`,
          private: false,
        });
      }
      if (!client) return truths.set(k, { error: 'offline: a private module cannot be downloaded', private: true });
      try {
        const fresh = await freshHashes(pc, client, m, !neededZip.has(k) && sum.lookup(m.path, m.version).length === 0);
        return truths.set(k, { ...fresh, trust: 'trust on first use: fresh download', private: true });
      } catch (e) {
        return truths.set(k, { error: `download: ${errorMessage(e).split('\n')[0]}`, private: true });
      }
    }),
  );

  const drop = new Set<string>();
  const lineKey = (p: string, v: string, h: string) => `${p} ${v} ${h}`;
  const added: Array<{ path: string; version: string; hash: string }> = [];
  const addLine = (m: Key, suffix: '' | '/go.mod', why: string) => {
    const k = `${m.path}@${m.version}`;
    const t = truths.get(k);
    const what = `${m.path} ${m.version}${suffix}`;
    if (!t || 'error' in t) {
      unresolved.push(`${what}: ${why}, not written: ${t && 'error' in t ? t.error : 'no source for its hash'}`);
      return undefined;
    }
    const h = suffix === '' ? t.zip : t.goMod;
    if (!h) {
      unresolved.push(
        `${what}: ${why}, not written: ${t.private ? 'the download gave no hash' : `${dbName} has no hash for it`}`,
      );
      return undefined;
    }
    return { hash: h, trust: t.trust };
  };

  // Malformed lines.
  for (const n of malformed) {
    steps.push({
      description: `remove malformed line ${n} (not "path version hash"; the go command stops reading go.sum there)`,
    });
  }

  // Wrong lines and conflicting hashes.
  for (const [k, m] of versions) {
    const t = truths.get(k);
    for (const suffix of ['', '/go.mod'] as const) {
      const recorded = sum.lookup(m.path, m.version + suffix).filter((h) => h.startsWith('h1:'));
      if (recorded.length === 0) continue;
      if (!t || 'error' in t) {
        if (recorded.length > 1) {
          unresolved.push(
            `${m.path} ${m.version}${suffix} has ${recorded.length} different hashes; none could be verified (${t && 'error' in t ? t.error : 'no source'})`,
          );
        }
        continue;
      }
      const truth = suffix === '' ? t.zip : t.goMod;
      if (!truth) continue;
      const wrong = recorded.filter((h) => h !== truth);
      if (wrong.length === 0) continue;
      if (t.private) {
        unresolved.push(
          `${m.path} ${m.version}${suffix}: go.sum has ${wrong[0]} but a fresh download hashes to ${truth}: the content changed since it was recorded (a force-pushed private tag?); not changed — pin a version you trust (modrescue fix pin)`,
        );
        continue;
      }
      for (const h of wrong) drop.add(lineKey(m.path, m.version + suffix, h));
      if (!recorded.includes(truth)) added.push({ path: m.path, version: m.version + suffix, hash: truth });
      steps.push({
        description: `correct ${m.path} ${m.version}${suffix}: ${wrong.join(', ')} → ${truth}${recorded.includes(truth) ? ' (drop the conflicting hash)' : ''}`,
        trust: t.trust,
      });
    }
  }

  // Missing lines.
  const have = (p: string, v: string) =>
    sum.lookup(p, v).some((h) => h.startsWith('h1:') && !drop.has(lineKey(p, v, h))) ||
    added.some((a) => a.path === p && a.version === v);
  const addMissing = (m: Key, suffix: '' | '/go.mod') => {
    if (have(m.path, m.version + suffix)) return;
    const r = addLine(m, suffix, 'missing');
    if (!r) return;
    added.push({ path: m.path, version: m.version + suffix, hash: r.hash });
    steps.push({ description: `add ${m.path} ${m.version}${suffix} ${r.hash}`, trust: r.trust });
  };
  for (const m of neededMod.values()) addMissing(m, '/go.mod');
  for (const m of neededZip.values()) addMissing(m, '');

  // Orphans: versions that are not in the module graph at all.
  if (g.mg) {
    const orphans = new Set<string>();
    for (const l of sum.entries()) {
      const v = l.version.replace(/\/go\.mod$/, '');
      if (!inGraph.has(`${l.path}@${v}`)) {
        orphans.add(`${l.path} ${v}`);
        drop.add(lineKey(l.path, l.version, l.hash));
      }
    }
    for (const o of orphans) steps.push({ description: `remove ${o} (orphan: not in the module graph)` });
  }

  const out = gosum.createGoSum({ file });
  for (const l of sum.entries()) if (!drop.has(lineKey(l.path, l.version, l.hash))) out.add(l.path, l.version, l.hash);
  for (const a of added) out.add(a.path, a.version, a.hash);

  const tofu = steps.filter((st) => st.trust?.startsWith('trust on first use'));
  if (tofu.length > 0) {
    notes.push(
      `${tofu.length} hash${tofu.length === 1 ? '' : 'es'} of private modules come from a fresh download (trust on first use): check that the origin serves what you expect`,
    );
  }
  for (const u of unresolved) notes.push(`unresolved: ${u}`);
  const content = out.format();
  const w = await pc.planWrite(file, 'go.sum', content === '' && data === undefined ? undefined : content);
  const changed = w.op.before !== w.op.after;
  const refused =
    !changed && unresolved.length > 0
      ? `no go.sum line could be verified: ${unresolved[0]}${unresolved.length > 1 ? ` (and ${unresolved.length - 1} more)` : ''}`
      : undefined;
  return {
    why: changed
      ? `go.sum: ${summarise(steps)}`
      : unresolved.length > 0
        ? `go.sum needs lines that cannot be verified (${unresolved.length})`
        : 'go.sum has every needed line, and every line agrees with the checksum database: nothing to do',
    risk: {
      level: 'low',
      note: `only go.sum changes, and only to hashes ${dbName ? `the checksum database ${dbName} signed` : 'a checksum database signed'}${tofu.length > 0 ? ' or a fresh download of private modules gave (trust on first use)' : ''}`,
    },
    undo: 'modrescue undo <id> restores go.sum byte for byte',
    steps,
    notes,
    writes: changed ? [w] : [],
    ops: changed ? [w.op] : [],
    verify: info.verify,
    ...(refused ? { refused } : {}),
  };
}

/** summarise counts the kinds of steps: "add 3 lines, correct 1, remove 2 orphans". */
function summarise(steps: readonly PlanStep[]): string {
  const count = (re: RegExp) => steps.filter((s) => re.test(s.description)).length;
  const parts: string[] = [];
  const add = count(/^add /);
  const fix = count(/^correct /);
  const orphan = count(/orphan/);
  const bad = count(/^remove malformed/);
  if (add) parts.push(`add ${add} missing line${add === 1 ? '' : 's'}`);
  if (fix) parts.push(`correct ${fix} wrong line${fix === 1 ? '' : 's'}`);
  if (orphan) parts.push(`remove ${orphan} orphan${orphan === 1 ? '' : 's'}`);
  if (bad) parts.push(`remove ${bad} malformed line${bad === 1 ? '' : 's'}`);
  return parts.join(', ') || "rewrite in the go command's order";
}
