/**
 * Verification of everything the proxy stores. Nothing reaches storage before it passed:
 *
 * - `.info`: a JSON RevInfo whose Version is a valid semantic version and, for a canonical
 *   version valid for the module path, exactly the requested one;
 * - `.mod`: parses as a dependency go.mod (modfile.parseLax) within the size limit, and
 *   its hash (dirhash.hashGoMod) is the one the checksum database records for
 *   `path version/go.mod`;
 * - `.zip`: passes Go's zip checks (zip.checkZip: size, paths, case collisions, go.mod
 *   placement…), its `go.mod` (when it has one) is byte-identical to the module's `.mod`,
 *   and its hash (dirhash.hashZip) is the one the database records for `path version`.
 *
 * The database check is skipped for modules matching the configured GONOSUMDB/GOPRIVATE
 * patterns, or when no database is configured. Lookups are verified by the sumdb client
 * (signed tree heads, tile proofs, consistency with the last head seen). A database that
 * cannot be reached means the content cannot be verified: it is refused.
 *
 * Every refusal is a ProxyError with `fields.reason` (the label of
 * modrescue_proxy_verification_failures_total).
 */
import { buffer } from 'node:stream/consumers';
import * as module from '../mod/module/index.js';
import * as semver from '../mod/semver/index.js';
import { parseLax } from '../mod/modfile/index.js';
import { hashGoMod, hashZip } from '../mod/sumdb/dirhash/index.js';
import { checkZip, openZipReader } from '../mod/zip/index.js';
import type { RevInfo } from '../mod/goproxy/index.js';
import { isProxyError, oneLine, ProxyError, type ProxyErrorCode } from './errors.js';
import type { ProxyMetrics } from './metrics.js';

/** VerificationReason is the `reason` label of a refusal. */
export type VerificationReason =
  | 'info-invalid'
  | 'info-version'
  | 'mod-invalid'
  | 'mod-too-large'
  | 'zip-invalid'
  | 'gomod-mismatch'
  | 'checksum-mismatch'
  | 'sumdb-unavailable';

/** ChecksumDb is the checksum database the verifier consults. */
export interface ChecksumDb {
  /** The database name (`sum.golang.org`). */
  readonly name: string;
  /** lookup returns the verified go.sum lines for path@version (src/mod/sumdb Client.lookup). */
  lookup(path: string, version: string): Promise<string[]>;
}

/** VerifierOptions configures createVerifier. */
export interface VerifierOptions {
  /** The database to check hashes against; undefined: no database check. */
  readonly sumdb?: ChecksumDb;
  /** Comma-separated GONOSUMDB and GOPRIVATE patterns. */
  readonly noSumdb: string;
  readonly maxModBytes: number;
  /** Refuse a zip whose go.mod differs from the module's .mod (else only report it through onWarning). */
  readonly goModMatchesZip?: boolean;
  /** Receives problems that are reported but not refused. */
  readonly onWarning?: (message: string, fields: Record<string, unknown>) => void;
  readonly metrics: ProxyMetrics;
}

/** Verifier checks upstream content before it is stored. */
export interface Verifier {
  /** usesSumdb reports whether path is checked against the checksum database. */
  usesSumdb(path: string): boolean;
  /** info checks an `.info` answer for version and returns the bytes to store and serve. */
  info(path: string, version: string, info: RevInfo): Uint8Array;
  /** mod checks a `.mod` file. */
  mod(path: string, version: string, data: Uint8Array): Promise<void>;
  /** zip checks a downloaded zip file against its module's `.mod` content. */
  zip(path: string, version: string, file: string, goMod: Uint8Array): Promise<void>;
  /** notAZip returns the refusal of a download that is not a zip at all (the cause's message says why). */
  notAZip(cause: Error): ProxyError;
}

/** createVerifier returns the verifier for the configured database and patterns. */
export function createVerifier(options: VerifierOptions): Verifier {
  const refuse = (code: ProxyErrorCode, reason: VerificationReason, message: string, cause?: unknown): ProxyError => {
    options.metrics.verificationFailures.inc({ reason });
    return new ProxyError(code, message, { reason }, cause === undefined ? undefined : { cause });
  };

  /** invalidZip is the refusal of a zip that Go's zip checks (or reading it) reject. */
  const invalidZip = (cause: Error): ProxyError =>
    refuse('ERR_PROXY_INVALID_ZIP', 'zip-invalid', `invalid zip: ${oneLine(cause.message)}`, cause);

  const usesSumdb = (path: string) => options.sumdb !== undefined && !module.matchPrefixPatterns(options.noSumdb, path);

  /** lookupHash returns the database's hash for `path version` (or `version/go.mod`), or undefined when it lists none. */
  const checkHash = async (path: string, version: string, goMod: boolean, have: string): Promise<void> => {
    const db = options.sumdb;
    if (!db || !usesSumdb(path)) return;
    const key = goMod ? `${version}/go.mod` : version;
    let lines: string[];
    try {
      lines = await db.lookup(path, key);
    } catch (e) {
      throw refuse(
        'ERR_PROXY_SUMDB_UNAVAILABLE',
        'sumdb-unavailable',
        `cannot verify ${goMod ? 'go.mod' : 'module'} against checksum database ${db.name}: ${oneLine((e as Error).message)}`,
        e,
      );
    }
    const prefix = `${path} ${key} `;
    const want = lines.find((l) => l.startsWith(prefix) && l.slice(prefix.length).startsWith('h1:'));
    if (want === undefined) {
      throw refuse(
        'ERR_PROXY_SUMDB_UNAVAILABLE',
        'sumdb-unavailable',
        `checksum database ${db.name} has no h1 hash for ${path} ${key}`,
      );
    }
    const dbHash = want.slice(prefix.length);
    if (dbHash !== have) {
      throw refuse(
        'ERR_PROXY_CHECKSUM_MISMATCH',
        'checksum-mismatch',
        `${goMod ? 'go.mod' : 'zip'} checksum mismatch: downloaded ${have} but checksum database ${db.name} has ${dbHash} (SECURITY ERROR: the upstream served different bits)`,
      );
    }
  };

  return {
    usesSumdb,

    info(path, version, info) {
      if (!semver.isValid(info.version)) {
        throw refuse(
          'ERR_PROXY_INVALID_INFO',
          'info-invalid',
          `invalid .info: Version ${JSON.stringify(info.version)} is not a semantic version`,
        );
      }
      const canonical = module.canonicalVersion(version) === version && module.check(path, version) === undefined;
      if (canonical && info.version !== version) {
        throw refuse(
          'ERR_PROXY_INVALID_INFO',
          'info-version',
          `proxy returned info for version ${info.version} instead of requested version`,
        );
      }
      if (info.time !== '' && Number.isNaN(Date.parse(info.time))) {
        throw refuse('ERR_PROXY_INVALID_INFO', 'info-invalid', `invalid .info: Time ${JSON.stringify(info.time)}`);
      }
      // Field order of Go's RevInfo (Version, Time, Name, Short, Origin).
      const doc: Record<string, unknown> = { Version: info.version, Time: info.time };
      if (info.name !== undefined && info.name !== '') doc['Name'] = info.name;
      if (info.short !== undefined && info.short !== '') doc['Short'] = info.short;
      if (info.origin !== undefined) doc['Origin'] = info.origin;
      return new TextEncoder().encode(JSON.stringify(doc) + '\n');
    },

    async mod(path, version, data) {
      if (data.length > options.maxModBytes) {
        throw refuse('ERR_PROXY_INVALID_MOD', 'mod-too-large', `go.mod larger than ${options.maxModBytes} bytes`);
      }
      try {
        parseLax('go.mod', data);
      } catch (e) {
        throw refuse('ERR_PROXY_INVALID_MOD', 'mod-invalid', `invalid go.mod: ${oneLine((e as Error).message)}`, e);
      }
      await checkHash(path, version, true, hashGoMod(data));
    },

    async zip(path, version, file, goMod) {
      let report;
      try {
        report = await checkZip({ path, version }, file);
      } catch (e) {
        throw invalidZip(e as Error);
      }
      if (report.error) throw invalidZip(report.error);
      const inZip = await readZipGoMod(path, version, file).catch((e: unknown) => {
        throw invalidZip(e as Error);
      });
      if (inZip !== undefined && !Buffer.from(inZip).equals(Buffer.from(goMod))) {
        if (options.goModMatchesZip === false) {
          options.onWarning?.("the zip's go.mod differs from the module's .mod (allowed by verify.goModMatchesZip)", {
            module: `${path}@${version}`,
          });
        } else {
          throw refuse(
            'ERR_PROXY_GOMOD_MISMATCH',
            'gomod-mismatch',
            `the zip's go.mod differs from ${path}@${version}.mod served by the same upstream`,
          );
        }
      }
      let h: string;
      try {
        h = await hashZip(file);
      } catch (e) {
        if (isProxyError(e)) throw e;
        throw invalidZip(e as Error);
      }
      await checkHash(path, version, false, h);
    },

    notAZip(cause) {
      return invalidZip(cause);
    },
  };
}

/** readZipGoMod returns the content of `path@version/go.mod` in the zip, or undefined when there is none. */
async function readZipGoMod(path: string, version: string, file: string): Promise<Uint8Array | undefined> {
  const reader = await openZipReader(file);
  try {
    const name = `${path}@${version}/go.mod`;
    const entry = reader.entries.find((e) => e.validUtf8 && e.name === name);
    return entry ? await buffer(reader.open(entry)) : undefined;
  } finally {
    await reader.close();
  }
}
