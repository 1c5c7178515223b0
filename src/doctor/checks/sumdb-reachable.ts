/**
 * sumdb-reachable: the checksum database answers — directly or through a proxy that
 * says `/sumdb/<name>/supported` —, its signed tree head verifies with the configured key,
 * and the tree it serves is consistent with the last one this machine's go command saw
 * (`$GOPATH/pkg/sumdb/<name>/latest`), proven through tiles by a real lookup.
 *
 * Detects: an invalid GOSUMDB; a database (or the proxy in front of it) that fails or
 * hangs; a tree head signed by another key; a forked log (the go command's SECURITY
 * ERROR); a database serving an older tree than one seen before (a stale mirror).
 * Doctor never writes the go command's `latest` file.
 *
 * Example: `verifying github.com/pkg/errors@v0.9.1: Get "https://sum.golang.org/lookup/github.com/pkg/errors@v0.9.1": dial tcp: lookup sum.golang.org: no such host`
 *
 * Fix: `modrescue fix proxy` (a proxy that serves the checksum database); a forked log is
 * a security incident: stop and report it, do not delete the latest file.
 */
import path from 'node:path';
import { open, newVerifier, verifierList } from '../../mod/sumdb/note/index.js';
import { parseTree } from '../../mod/sumdb/tlog/index.js';
import { findCode } from '../../mod/sumdb/index.js';
import { redactUrl } from '../../mod/web/index.js';
import {
  Findings,
  fixAction,
  fixCommand,
  skipped,
  type CheckContext,
  type CheckDefinition,
  type CheckOutcome,
} from '../check.js';
import type { DoctorSession } from '../session.js';
import type { ModuleVersion } from '../../mod/mvs/index.js';
import { errorMessage, formatMs } from '../util.js';

/** lookupModule picks a module version of this project that the checksum database should know. */
async function lookupModule(s: DoctorSession): Promise<ModuleVersion | undefined> {
  const sums = await s.goSum().catch(() => undefined);
  for (const l of sums?.sum.entries() ?? []) {
    const version = l.version.replace(/\/go\.mod$/, '');
    if (!s.noSumdb(l.path) && !s.isDirect(l.path)) return { path: l.path, version };
  }
  const bl = await s.buildList();
  return bl.modules.find((m) => !s.noSumdb(m.path) && !s.isDirect(m.path) && m.version !== '');
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const s = ctx.session;
  const f = new Findings();
  const db = s.createSumdbClient(true);
  if (db.kind === 'off') return skipped('GOSUMDB=off: no checksum database is consulted (see go-env)');
  if (db.kind === 'error') {
    return {
      status: 'fail',
      summary: `invalid GOSUMDB: ${db.message}`,
      fix: fixCommand('go env -u GOSUMDB', 'restores the default checksum database'),
    };
  }
  const { config, client, ops } = db;
  const fixProxy = fixAction(
    'proxy',
    '',
    'switches to a GOPROXY that serves the checksum database (/sumdb/<name>/supported)',
  );

  ctx.step(`GET /latest of ${config.name}`);
  const t0 = s.now();
  let latest: Uint8Array;
  try {
    latest = await ops.readRemote('/latest');
  } catch (e) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    f.fail(`the checksum database ${config.name} does not answer: ${errorMessage(e)}`, fixProxy);
    f.evidence({ database: config.name, error: errorMessage(e) });
    return f.outcome('');
  }
  const latestMs = s.now() - t0;
  const supported = s.probes.filter((p) => p.url.endsWith(`/sumdb/${config.name}/supported`));
  const via = supported.find((p) => p.status === 200);
  const base = config.url ?? (via ? via.url.replace(/\/supported$/, '') : config.directURL);
  const how = config.url
    ? `GOSUMDB's URL ${redactUrl(config.url)}`
    : via
      ? `the proxy ${redactUrl(base)}`
      : `directly at ${config.directURL}`;
  for (const p of supported.filter((p) => p !== via)) {
    f.info(`${redactUrl(p.url)}: ${p.status ?? p.error} (this proxy does not serve the database)`);
  }

  let tree;
  try {
    const text = open(latest, verifierList(newVerifier(config.key))).text;
    tree = parseTree(text);
  } catch (e) {
    f.fail(
      `the signed tree head from ${how} does not verify with GOSUMDB's key ${config.key.split('+').slice(0, 2).join('+')}: ${errorMessage(e)}`,
      fixCommand(
        'go env -u GOSUMDB',
        'uses the default database and key; if GOSUMDB is right, the server or a proxy is tampering',
      ),
    );
    return f.outcome('');
  }
  f.evidence({ database: config.name, reachedVia: redactUrl(base), treeSize: tree.n, latestMs });

  // The tree head the go command saw last, if any.
  const stateFile = s.sumdbDir() ? path.join(s.sumdbDir()!, config.name, 'latest') : undefined;
  let seen: { n: number } | undefined;
  if (stateFile) {
    const stored = await s.readText(stateFile).catch(() => undefined);
    if (stored) {
      try {
        const t = parseTree(open(stored, verifierList(newVerifier(config.key))).text);
        seen = { n: t.n };
        f.evidence({ lastSeen: stateFile, lastSeenSize: t.n });
        if (t.n === tree.n && Buffer.compare(Buffer.from(t.hash), Buffer.from(tree.hash)) !== 0) {
          f.fail(
            `SECURITY ERROR: ${how} serves a tree of size ${tree.n} whose hash differs from the one recorded in ${stateFile}: the checksum database log has forked`,
            fixCommand(
              'go help module-auth',
              'stop: a forked checksum database is a security incident; keep the latest file and report it',
            ),
          );
        } else if (t.n > tree.n) {
          f.warn(
            `${how} serves a tree of size ${tree.n}, older than the size ${t.n} seen before (${stateFile}): a stale mirror or cache between you and the database`,
            fixProxy,
          );
        }
      } catch (e) {
        f.warn(`${stateFile} does not verify with GOSUMDB's key: ${errorMessage(e)}`);
      }
    }
  }

  // A real lookup proves the record and the tree's consistency with the last one seen, through tiles.
  const mod = await lookupModule(s);
  if (mod) {
    ctx.step(`lookup ${mod.path}@${mod.version}`);
    try {
      await client.lookup(mod.path, mod.version);
      f.info(
        `lookup ${mod.path}@${mod.version}: record proven in the signed tree${seen ? `, consistent with the tree seen before (size ${seen.n})` : ''}`,
      );
    } catch (e) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (findCode(e, 'ERR_SUMDB_SECURITY') || s.securityMessages.length > 0) {
        f.fail(
          `SECURITY ERROR: ${how} served a tree inconsistent with the one seen before (${stateFile ?? 'latest'}): the checksum database log has forked or is being tampered with\n${s.securityMessages[0] ?? errorMessage(e)}`,
          fixCommand(
            'go help module-auth',
            'stop: a forked checksum database is a security incident; keep the latest file and report it',
          ),
        );
      } else if (findCode(e, 'ERR_TLOG_INCONSISTENT_TILE') || /downloaded inconsistent tile/.test(errorMessage(e))) {
        f.fail(
          `SECURITY ERROR: the tiles ${how} serves do not hash to the tree head recorded in ${stateFile ?? 'latest'}: the checksum database log has forked or is being tampered with\n${errorMessage(e)}`,
          fixCommand(
            'go help module-auth',
            'stop: a forked checksum database is a security incident; keep the latest file and report it',
          ),
        );
      } else if (/404|410|not found/i.test(errorMessage(e))) {
        f.info(`lookup ${mod.path}@${mod.version}: not in the database (see private-modules)`);
      } else {
        f.fail(`lookup ${mod.path}@${mod.version} failed: ${errorMessage(e)}`, fixProxy);
      }
    }
  } else {
    f.info(
      'no module of this project is checked against the database (all are private or there are none): tree consistency was only compared by size',
    );
  }
  return f.outcome(
    `${config.name} answers via ${how} in ${formatMs(latestMs)}; signed tree head verifies (size ${tree.n})`,
  );
}

/** sumdbReachable is the `sumdb-reachable` check (see the file comment; registered in registry.ts). */
export const sumdbReachable: CheckDefinition = {
  id: 'sumdb-reachable',
  title: 'the checksum database answers and verifies',
  network: true,
  doc: {
    detects:
      'A checksum database that does not answer (directly or through the proxy that says /sumdb/<name>/supported), a signed tree head that does not verify with the GOSUMDB key, a log that forked from the tree the go command saw before (SECURITY ERROR), or a stale mirror serving an older tree.',
    example:
      'verifying github.com/pkg/errors@v0.9.1: Get "https://sum.golang.org/lookup/github.com/pkg/errors@v0.9.1": dial tcp: lookup sum.golang.org: no such host',
    fix: '`modrescue fix proxy` (a proxy that serves the database); a forked log is a security incident: stop and report it.',
  },
  run,
};
