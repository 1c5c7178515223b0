/**
 * One module on one proxy: the GOPROXY protocol requests of cmd/go's proxyRepo.
 *
 * `<base>/<escaped path>/@v/list`, `@v/<escaped version>.info`, `.mod`, `.zip` and
 * `@latest` (https://go.dev/ref/mod#goproxy-protocol). Paths and versions are
 * case-encoded (module.escapePath / escapeVersion). Errors are GoproxyErrors whose
 * messages read as the go command's (`path@version: reading URL: 404 Not Found`).
 */
import { createWriteStream } from 'node:fs';
import { rm, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import * as module from '../module/index.js';
import * as semver from '../semver/index.js';
import type { FetchLike } from '../web/types.js';
import { isHttpError, type HttpErrorFields } from '../web/errors.js';
import { responseChunks, responseHeader } from '../web/response.js';
import { describeStatus, formatErrorDetail as formatWebErrorDetail } from '../web/status.js';
import { escapeUrlPath, redactUrl } from '../web/url.js';
import { GoproxyError, type GoproxyErrorCode } from './errors.js';

/** MAX_ZIP_FILE is the go command's limit on a module zip (codehost.MaxZipFile, 500 MiB). */
export const MAX_ZIP_FILE = 500 << 20;

/** RevInfo is a proxy's `.info` / `@latest` answer (Go's RevInfo), camel-cased. */
export interface RevInfo {
  /** The canonical version. */
  readonly version: string;
  /** The commit time as the proxy sent it (RFC 3339), or Go's zero time when absent. */
  readonly time: string;
  /** Optional fields some proxies send. */
  readonly name?: string;
  readonly short?: string;
  readonly origin?: unknown;
}

/** ZipDestination is where a zip is streamed: a file path, or an open file handle. */
export type ZipDestination = string | FileHandle;

/** ZERO_TIME is Go's zero time.Time as JSON-encoded, used when `.info` has no Time. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface ProxyRepoOptions {
  readonly fetch: FetchLike;
  /** Zip size limit in bytes (default MAX_ZIP_FILE). */
  readonly maxZipBytes?: number;
  readonly signal?: AbortSignal;
}

/** ProxyRepo answers protocol requests for one module path on one proxy base URL. */
export interface ProxyRepo {
  readonly path: string;
  /** The redacted base URL (as it appears in messages). */
  readonly redactedBase: string;
  /** versions returns the tagged versions of `@v/list` that start with prefix, sorted (pseudo-versions dropped). */
  versions(prefix?: string): Promise<string[]>;
  /** stat fetches `@v/<rev>.info` and checks it names rev when rev is canonical for the path. */
  stat(rev: string): Promise<RevInfo>;
  /** latest fetches `@latest`, falling back to the newest pseudo-version of `@v/list` on 404/410. */
  latest(): Promise<RevInfo>;
  /** goMod fetches `@v/<version>.mod` (version must be canonical). */
  goMod(version: string): Promise<Uint8Array>;
  /**
   * zip streams `@v/<version>.zip` to dest, enforcing the size limit while streaming:
   * a path (created or truncated; removed on failure) or an open file handle (truncated
   * and written from offset 0; the caller closes and removes it).
   */
  zip(version: string, dest: ZipDestination): Promise<{ bytes: number }>;
}

/**
 * createProxyRepo returns the protocol client for path on baseUrl (an http, https or
 * file URL, as parsed by parseProxyList). It throws ERR_GOPROXY_BAD_PATH (InvalidPathError
 * wording) when path cannot be escaped.
 */
export function createProxyRepo(baseUrl: string, path: string, options: ProxyRepoOptions): ProxyRepo {
  let enc: string;
  try {
    enc = module.escapePath(path);
  } catch (e) {
    throw new GoproxyError('ERR_GOPROXY_BAD_PATH', (e as Error).message, { path, version: '' }, e);
  }
  // Messages name the base as configured but with the password hidden (url.Redacted);
  // requests use the real URL, whose userinfo the HTTP client turns into Basic auth.
  const redactedBase = redactUrl(baseUrl);
  const base = baseUrl.replace(/\/+$/, '') + '/' + pathEscape(enc);
  const maxZip = options.maxZipBytes ?? MAX_ZIP_FILE;
  // The newest pseudo-version of @v/list, computed at most once per repo (Go's
  // listLatestOnce): versions() and latest() share it.
  let listLatest: Promise<RevInfo> | undefined;

  /** fail builds a GoproxyError wrapped as proxyRepo.versionError does. */
  const fail = (
    code: GoproxyErrorCode,
    version: string,
    inner: string,
    extra: Partial<HttpErrorFields> & Record<string, unknown> = {},
    cause?: unknown,
  ): GoproxyError => {
    let message: string;
    if (version !== '' && version !== module.canonicalVersion(version)) {
      const pseudo = module.isPseudoVersion(version);
      message = `${path}@${version}: invalid ${pseudo ? 'pseudo-version' : 'version'}: ${inner}`;
    } else if (version !== '') {
      message = `${path}@${version}: ${inner}`;
    } else {
      message = `module ${path}: ${inner}`;
    }
    return new GoproxyError(code, message, { path, version, ...extra }, cause);
  };

  /** get fetches rel and returns the Response when it is 200; other answers become errors. */
  const get = async (rel: string, version: string): Promise<Response> => {
    const url = base + '/' + pathEscape(rel).replace(/^\/+/, '');
    const start = Date.now();
    let res: Response;
    try {
      res = await options.fetch(url, { method: 'GET', ...(options.signal ? { signal: options.signal } : {}) });
    } catch (e) {
      if (!isHttpError(e)) throw e;
      throw fail('ERR_GOPROXY_FETCH', version, e.message, { ...e.fields }, e);
    }
    if (res.status === 200) return res;
    // Anything but 200 is an error (Response.Err in cmd/go/internal/web), worded and
    // with its text/plain body shown as the go command does (package web).
    const redacted = redactUrl(url);
    const d = await describeStatus(res, redacted);
    // 404 and 410 are "not found" (errors.Is(err, fs.ErrNotExist) in Go): the only
    // statuses after which a ',' GOPROXY list tries the next proxy.
    const notFound = res.status === 404 || res.status === 410;
    throw fail(notFound ? 'ERR_GOPROXY_NOT_FOUND' : 'ERR_GOPROXY_STATUS', version, d.message, {
      url: redacted,
      status: res.status,
      statusText: res.statusText,
      ...(d.detail !== '' ? { bodyExcerpt: d.detail } : {}),
      elapsedMs: Date.now() - start,
      notFound,
    });
  };

  /** getText reads a whole small body; body-read failures name the URL as Go's url.Error does. */
  const getText = async (
    rel: string,
    version: string,
    what: string | undefined,
  ): Promise<{ text: string; url: string; html: boolean }> => {
    const res = await get(rel, version);
    const url = redactUrl(base + '/' + pathEscape(rel));
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      if (!isHttpError(e)) throw e;
      throw fail('ERR_GOPROXY_FETCH', version, e.message, { ...e.fields }, e);
    }
    // For JSON answers (what undefined) the go command's own parse error is kept, with
    // `html` recorded in the fields; for the others, HTML gets its own precise error.
    if (what !== undefined) checkNotHtml(res, text, url, version, what);
    return { text, url, html: isHtml(res, text) };
  };

  /**
   * checkNotHtml rejects an HTML page answered with 200 (captive portals, SSO login pages,
   * misconfigured reverse proxies): the go command would report a confusing parse error
   * later; we name the URL and what was expected.
   */
  const checkNotHtml = (res: Response, text: string, url: string, version: string, what: string) => {
    if (isHtml(res, text)) {
      throw fail(
        'ERR_GOPROXY_BAD_RESPONSE',
        version,
        `invalid response from proxy ${JSON.stringify(redactedBase)}: ${url} returned an HTML page instead of ${what}`,
        { url, html: true },
      );
    }
  };

  /**
   * parseInfo decodes an .info / @latest body with Go's leniency (unknown fields ignored,
   * null is empty). A body that is not JSON fails with the go command's message; the
   * fields say whether it was an HTML page (a login page or captive portal).
   */
  const parseInfo = (text: string, url: string, version: string, html = false): RevInfo => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw fail(
        'ERR_GOPROXY_BAD_RESPONSE',
        version,
        `invalid response from proxy ${JSON.stringify(redactedBase)}: ${goJsonSyntaxError(text)}`,
        { url, html },
      );
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      const got =
        raw === null ? 'null' : Array.isArray(raw) ? 'array' : typeof raw === 'string' ? 'string' : typeof raw;
      if (got === 'null') return { version: '', time: ZERO_TIME };
      throw fail(
        'ERR_GOPROXY_BAD_RESPONSE',
        version,
        `invalid response from proxy ${JSON.stringify(redactedBase)}: json: cannot unmarshal ${got} into Go value of type modfetch.RevInfo`,
        { url },
      );
    }
    const o = raw as Record<string, unknown>;
    const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
    return {
      version: str('Version') ?? '',
      time: str('Time') ?? ZERO_TIME,
      ...(str('Name') !== undefined ? { name: str('Name') } : {}),
      ...(str('Short') !== undefined ? { short: str('Short') } : {}),
      ...(o['Origin'] !== undefined ? { origin: o['Origin'] } : {}),
    };
  };

  const escapeVersionOrFail = (v: string): string => {
    try {
      return module.escapeVersion(v);
    } catch (e) {
      throw fail('ERR_GOPROXY_BAD_VERSION', v, (e as { err?: Error }).err?.message ?? (e as Error).message, {}, e);
    }
  };

  /** stat is proxyRepo.Stat: `.info` for rev, which must name rev when rev is a valid version of path. */
  const stat = async (rev: string): Promise<RevInfo> => {
    const encRev = escapeVersionOrFail(rev);
    const { text, url, html } = await getText('@v/' + encRev + '.info', rev, undefined);
    const info = parseInfo(text, url, rev, html);
    if (info.version !== rev && rev === module.canonicalVersion(rev) && module.check(path, rev) === undefined) {
      // A proxy asked for a correct version must answer that version or an error.
      throw fail(
        'ERR_GOPROXY_INFO_MISMATCH',
        rev,
        `proxy returned info for version ${info.version} instead of requested version`,
        {
          url,
          gotVersion: info.version,
        },
      );
    }
    return info;
  };

  /**
   * latestFromList picks the newest pseudo-version of a list (by the timestamp a proxy may
   * give after the version, else the one encoded in the pseudo-version). Tagged versions
   * are skipped: this is only consulted when no tagged version exists.
   */
  const latestFromList = async (lines: string[]): Promise<RevInfo> => {
    let bestTime = -Infinity;
    let bestVersion = '';
    for (const line of lines) {
      const f = line.split(/\s+/).filter((w) => w !== '');
      if (f.length === 0 || !semver.isValid(f[0]!)) continue;
      let t: number;
      if (f.length >= 2) {
        t = Date.parse(f[1]!);
        if (Number.isNaN(t)) t = ZERO_MS;
      } else if (module.isPseudoVersion(f[0]!)) {
        try {
          t = module.pseudoVersionTime(f[0]!).getTime();
        } catch {
          t = ZERO_MS;
        }
      } else {
        // Only called when no tagged versions exist; ignore tags added meanwhile.
        continue;
      }
      if (bestTime < t) {
        bestTime = t;
        bestVersion = f[0]!;
      }
    }
    if (bestVersion === '') throw fail('ERR_GOPROXY_NOT_FOUND', '', 'no commits', { notFound: true });
    return stat(bestVersion);
  };

  const readList = async (): Promise<string[]> => (await getText('@v/list', '', 'a version list')).text.split('\n');

  return {
    path,
    redactedBase,
    async versions(prefix = '') {
      let lines: string[];
      try {
        lines = await readList();
      } catch (e) {
        listLatest ??= Promise.reject(e);
        listLatest.catch(() => {});
        throw e;
      }
      listLatest ??= latestFromList(lines);
      listLatest.catch(() => {});
      const list: string[] = [];
      for (const line of lines) {
        const v = line.split(/\s+/).filter((w) => w !== '')[0];
        if (v !== undefined && semver.isValid(v) && v.startsWith(prefix) && !module.isPseudoVersion(v)) list.push(v);
      }
      return semver.sort(list);
    },
    stat,
    async latest() {
      let text: string;
      let url: string;
      let html: boolean;
      try {
        ({ text, url, html } = await getText('@latest', '', undefined));
      } catch (e) {
        if (!(e instanceof GoproxyError) || !e.notFound) throw e;
        listLatest ??= readList().then(latestFromList);
        return listLatest;
      }
      return parseInfo(text, url, '', html);
    },
    async goMod(version) {
      if (version !== module.canonicalVersion(version)) {
        throw fail('ERR_GOPROXY_BAD_VERSION', version, 'internal error: version passed to GoMod is not canonical');
      }
      const encVer = escapeVersionOrFail(version);
      const res = await get('@v/' + encVer + '.mod', version);
      const url = redactUrl(base + '/@v/' + pathEscape(encVer) + '.mod');
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await res.arrayBuffer());
      } catch (e) {
        if (!isHttpError(e)) throw e;
        throw fail('ERR_GOPROXY_FETCH', version, e.message, { ...e.fields }, e);
      }
      checkNotHtml(res, new TextDecoder().decode(bytes.subarray(0, 256)), url, version, 'a go.mod file');
      return bytes;
    },
    async zip(version, dest) {
      if (version !== module.canonicalVersion(version)) {
        throw fail('ERR_GOPROXY_BAD_VERSION', version, 'internal error: version passed to Zip is not canonical');
      }
      const encVer = escapeVersionOrFail(version);
      const rel = '@v/' + encVer + '.zip';
      const res = await get(rel, version);
      const url = redactUrl(base + '/' + pathEscape(rel));
      try {
        return await streamZip(res, dest, maxZip, url, (code, inner, extra, cause) =>
          fail(code, version, inner, extra, cause),
        );
      } catch (e) {
        if (typeof dest === 'string') await rm(dest, { force: true }).catch(() => {});
        throw e;
      }
    },
  };
}

const ZERO_MS = Date.parse(ZERO_TIME);

/** isHtml reports whether a 200 answer is an HTML page (by Content-Type or by its first bytes). */
function isHtml(res: Response, text: string): boolean {
  const type = (responseHeader(res, 'content-type') ?? '').toLowerCase();
  return type.startsWith('text/html') || /^\s*<(!doctype html|html)/i.test(text);
}

type Fail = (code: GoproxyErrorCode, inner: string, extra?: Record<string, unknown>, cause?: unknown) => GoproxyError;

/** EOCD_WINDOW covers the end-of-central-directory record plus the longest zip comment. */
const EOCD_WINDOW = 22 + 0xffff;

/**
 * ZipSink writes the downloaded bytes in order: to a new write stream for a path, or
 * positioned writes into a handle (truncated first, so a retry through the next proxy
 * starts over).
 */
interface ZipSink {
  write(chunk: Uint8Array): Promise<void>;
  end(): Promise<void>;
}

/** openSink opens dest for streamZip. */
async function openSink(dest: ZipDestination): Promise<ZipSink> {
  if (typeof dest !== 'string') {
    await dest.truncate(0);
    let pos = 0;
    return {
      async write(chunk) {
        for (let off = 0; off < chunk.length;) {
          const { bytesWritten } = await dest.write(chunk, off, chunk.length - off, pos);
          off += bytesWritten;
          pos += bytesWritten;
        }
      },
      async end() {},
    };
  }
  const out = createWriteStream(dest);
  const closed = once(out, 'close');
  return {
    async write(chunk) {
      if (!out.write(chunk)) await once(out, 'drain');
    },
    async end() {
      out.end();
      await closed;
    },
  };
}

/**
 * streamZip writes the body to dest without buffering it: it counts bytes (failing as
 * soon as the limit is passed), detects a body shorter than Content-Length, and checks
 * that the tail holds a zip end-of-central-directory record.
 */
async function streamZip(
  res: Response,
  dest: ZipDestination,
  maxZip: number,
  url: string,
  fail: Fail,
): Promise<{ bytes: number }> {
  const out = await openSink(dest);
  let bytes = 0;
  // The last EOCD_WINDOW bytes (at least), kept by reference: copied only when the
  // window has to slide, not per chunk.
  let tailParts: Uint8Array[] = [];
  let tailBytes = 0;
  const declared = Number(responseHeader(res, 'content-length') ?? NaN);
  // The body as the network delivers it (a Node stream from package web's client; any
  // Response's web body otherwise): no web-stream adapter per zip.
  const body = responseChunks(res);
  const it = body?.[Symbol.asyncIterator]();
  let finished = it === undefined;
  try {
    if (it) {
      for (;;) {
        let chunk: IteratorResult<Uint8Array>;
        try {
          chunk = await it.next();
        } catch (e) {
          finished = true;
          if (!isHttpError(e)) throw e;
          const truncated = Number.isFinite(declared) && bytes < declared;
          throw fail(
            truncated ? 'ERR_GOPROXY_ZIP_TRUNCATED' : 'ERR_GOPROXY_FETCH',
            e.message,
            {
              ...e.fields,
              url,
              bytes,
              ...(Number.isFinite(declared) ? { contentLength: declared } : {}),
            },
            e,
          );
        }
        if (chunk.done) {
          finished = true;
          break;
        }
        bytes += chunk.value.length;
        if (bytes > maxZip) {
          throw fail('ERR_GOPROXY_ZIP_TOO_LARGE', 'downloaded zip file too large', { url, limit: maxZip });
        }
        tailParts.push(chunk.value);
        tailBytes += chunk.value.length;
        if (tailBytes > EOCD_WINDOW * 2) {
          const joined = Buffer.concat(tailParts).subarray(-EOCD_WINDOW);
          tailParts = [joined];
          tailBytes = joined.length;
        }
        await out.write(chunk.value);
      }
    }
  } finally {
    // Stopped early (too large, a write failure): the rest of the body is released.
    if (!finished) await it?.return?.().catch(() => {});
    await out.end();
  }
  if (Number.isFinite(declared) && bytes < declared) {
    throw fail('ERR_GOPROXY_ZIP_TRUNCATED', `read ${JSON.stringify(url)}: unexpected EOF`, {
      url,
      bytes,
      contentLength: declared,
    });
  }
  if (!hasEndOfCentralDirectory(Buffer.concat(tailParts))) {
    throw fail('ERR_GOPROXY_ZIP_TRUNCATED', `${url}: zip: not a valid zip file`, { url, bytes });
  }
  return { bytes };
}

function hasEndOfCentralDirectory(tail: Buffer): boolean {
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) return true;
  }
  return false;
}

/**
 * formatErrorDetail is package web's formatErrorDetail for text already decoded (the
 * `server response:` detail of a status error).
 */
export function formatErrorDetail(s: string): string {
  return formatWebErrorDetail(s);
}

/**
 * goJsonSyntaxError words a JSON parse failure as Go's encoding/json does for common
 * cases: `unexpected end of JSON input`, or `invalid character 'c' looking for
 * beginning of value` with the offending byte quoted as encoding/json's quoteChar
 * (the rune of that byte, as strconv.QuoteRune prints it).
 */
export function goJsonSyntaxError(text: string): string {
  const t = text.replace(/^[ \t\r\n]+/, '');
  if (t === '') return 'unexpected end of JSON input';
  if (!/[{["\-0-9tfn]/.test(t[0]!)) {
    const b = Buffer.from(t.slice(0, 2), 'utf8')[0]!;
    return `invalid character ${module.goQuoteRune(b)} looking for beginning of value`;
  }
  return 'unexpected end of JSON input';
}

/**
 * pathEscape escapes the protocol path of a request as the go command's proxy client
 * does (url.PathEscape with the slashes kept: everything but letters, digits,
 * `-_.~$&+:=@` and `/` is %-encoded, so `!` becomes `%21`). It never throws.
 */
export function pathEscape(s: string): string {
  return escapeUrlPath(s, 'pathSegment').replaceAll('%2F', '/');
}
