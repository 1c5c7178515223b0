/**
 * go-env: the resolved Go environment is coherent for this project.
 *
 * Detects: settings the go command rejects (in its wording); GOPROXY=off (nothing
 * outside the module cache can be fetched) or `direct` only; a GOPROXY URL with
 * credentials in it (shown redacted); plain-http proxies; GOFLAGS=-mod=vendor without a
 * vendor directory; GO111MODULE=off; GOPRIVATE/GONOPROXY/GONOSUMDB/GOINSECURE patterns so
 * broad that they cover public modules (`*`, `github.com`); GOSUMDB=off; and risky values
 * that come from the go env file (written by `go env -w`) rather than from the
 * environment, where CI configuration does not show them.
 *
 * Example: `go: github.com/pkg/errors@v0.9.1: module lookup disabled by GOPROXY=off`
 *
 * Fix: `modrescue fix proxy` for GOPROXY, `modrescue fix private` for the private-module
 * patterns, `go env -u NAME` for a value the go env file sets.
 */
import * as module from '../../mod/module/index.js';
import { splitGoUrl } from '../../mod/web/index.js';
import { redact } from '../../shared/redact.js';
import type { EnvName } from '../../shared/goenv.js';
import {
  Findings,
  fixAction,
  fixCommand,
  type CheckContext,
  type CheckDefinition,
  type CheckOutcome,
} from '../check.js';
import { buildMode } from '../build-mode.js';
import type { DoctorFix } from '../types.js';

/** Public module hosts: a private-module pattern covering one of them covers public modules. */
const PUBLIC_HOSTS = [
  'github.com',
  'gitlab.com',
  'bitbucket.org',
  'golang.org',
  'gopkg.in',
  'google.golang.org',
  'k8s.io',
];

/** SAMPLE_PATHS are public module paths a sensible private pattern never matches. */
const SAMPLE_PATHS = [
  'github.com/pkg/errors',
  'golang.org/x/text',
  'gopkg.in/yaml.v3',
  'google.golang.org/grpc',
  'k8s.io/client-go',
  'go.uber.org/zap',
];

/**
 * broadness explains why a comma-separated pattern list covers public modules: a pattern
 * that matches several unrelated public paths (`*`, `*.*`), or one that names a whole
 * public host (`github.com`, `github.com/*`). Undefined when every pattern is specific.
 */
export function broadness(list: string): string | undefined {
  for (const raw of list.split(',')) {
    const glob = raw.trim();
    if (glob === '') continue;
    const hits = SAMPLE_PATHS.filter((p) => module.matchPrefixPatterns(glob, p));
    if (hits.length >= 2) return `the pattern "${glob}" matches every module (e.g. ${hits.slice(0, 2).join(', ')})`;
    const elems = glob.split('/');
    const host = elems[0]!;
    if (PUBLIC_HOSTS.includes(host) && (elems.length === 1 || (elems.length === 2 && /^[*?]+$/.test(elems[1]!)))) {
      return `the pattern "${glob}" covers every module on ${host}`;
    }
  }
  return undefined;
}

/** RISKY are the variables whose value from the go env file changes how modules are fetched or verified. */
const RISKY: readonly EnvName[] = [
  'GOPROXY',
  'GOSUMDB',
  'GONOSUMDB',
  'GONOPROXY',
  'GOPRIVATE',
  'GOINSECURE',
  'GOFLAGS',
  'GO111MODULE',
  'GOTOOLCHAIN',
  'GOAUTH',
];

/** fixFor is the fix hint for a problem with name; fromFile says the value comes from the go env file. */
function fixFor(name: string, fromFile = false): DoctorFix {
  switch (name) {
    case 'GOPROXY':
      return fixAction('proxy', '', 'sets a working GOPROXY (or a temporary local proxy) for this shell and CI');
    case 'GOPRIVATE':
    case 'GONOPROXY':
    case 'GONOSUMDB':
    case 'GOINSECURE':
      return fixAction('private', '', 'sets GOPRIVATE/GONOSUMDB to exactly the private module paths of this project');
    case 'GOTOOLCHAIN':
      return fixAction('toolchain', '', 'chooses a toolchain that can build this module');
    default:
      return fromFile
        ? fixCommand(
            `go env -u ${name}`,
            `removes ${name} from the go env file (then set it where CI can see it, if needed)`,
          )
        : fixCommand(
            `unset ${name}`,
            `clears ${name} in this shell; fix it where it is set (CI configuration, shell profile)`,
          );
  }
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const s = ctx.session;
  const f = new Findings();
  const vars = s.env.vars;
  const fromFile = (name: EnvName) => vars[name].source === 'go env file';

  for (const p of s.env.problems) {
    f.fail(`${redact(p.message)} (${p.name} from ${s.whereFrom(p.name)})`, fixFor(p.name, fromFile(p.name)));
    f.evidence({ variable: p.name, code: p.code, message: redact(p.message) });
  }

  if (s.v('GO111MODULE') === 'off') {
    f.fail(
      `${s.describe('GO111MODULE')}: the go command ignores go.mod and builds in GOPATH mode`,
      fromFile('GO111MODULE')
        ? fixCommand('go env -u GO111MODULE', 'removes the setting from the go env file')
        : fixCommand('unset GO111MODULE', 'module mode is the default since Go 1.16'),
    );
  }

  const mode = await buildMode(s).catch(() => undefined);
  const vendoring = mode?.mode === 'vendor';
  if (mode?.from === 'GOFLAGS' && mode.mode === 'vendor' && !mode.modulesTxt) {
    f.fail(
      `${s.describe('GOFLAGS')} but the project has no vendor/modules.txt: every build fails with "inconsistent vendoring"`,
      fixCommand('go mod vendor', 'creates the vendor directory (or remove -mod=vendor from GOFLAGS)'),
    );
  } else if (mode?.from === 'GOFLAGS' && mode.mode !== 'mod' && mode.mode !== 'readonly' && mode.mode !== 'vendor') {
    f.fail(
      `${s.describe('GOFLAGS')}: -mod may only be set to readonly, vendor, or mod`,
      fixFor('GOFLAGS', fromFile('GOFLAGS')),
    );
  }

  const goproxy = s.v('GOPROXY');
  const { list } = s.proxyList();
  if (list) {
    const entries = list.filter((e) => e.url !== 'noproxy');
    if (entries[0]?.url === 'off') {
      const text = `${s.describe('GOPROXY')}: module lookup is disabled; any module not in the module cache fails with "module lookup disabled by GOPROXY=off"`;
      if (vendoring)
        f.warn(text + ' (the project builds from vendor/, so this only matters for go get and go mod commands)');
      else f.fail(text, fixFor('GOPROXY'));
    } else if (entries.length === 1 && entries[0]!.url === 'direct') {
      f.warn(
        `${s.describe('GOPROXY')}: every module is fetched from its origin with git (slower, needs git and access to every host, and a deleted repository breaks the build)`,
        fixFor('GOPROXY'),
      );
    }
    for (const e of entries) {
      if (!/^https?:\/\//i.test(e.url)) continue;
      const parts = splitGoUrl(e.url);
      if (parts.userinfo !== undefined) {
        f.warn(
          `GOPROXY entry ${redact(e.url)} carries credentials in the URL: they show in go env output, CI logs and error messages; put them in .netrc instead`,
          fixAction('private', '', 'moves the credentials to .netrc (GOAUTH=netrc) and removes them from GOPROXY'),
        );
      }
      const host = parts.host.replace(/:\d+$/, '');
      if (parts.scheme === 'http' && !/^(127\.|localhost$|\[::1\]$)/.test(host)) {
        f.warn(
          `GOPROXY entry ${redact(e.url)} is plain HTTP: module data is not protected in transit (the checksum database still checks public modules)`,
        );
      }
    }
  }

  const broadChecks: Array<[EnvName, string]> = [
    ['GOPRIVATE', 'modules it matches skip the proxy and the checksum database'],
    ['GONOPROXY', 'modules it matches are fetched directly with git'],
    ['GONOSUMDB', 'modules it matches are never checked against the checksum database'],
    ['GOINSECURE', 'modules it matches may be fetched over plain HTTP without certificate checks'],
  ];
  for (const [name, meaning] of broadChecks) {
    const value = s.v(name);
    if (value === '') continue;
    // GONOPROXY/GONOSUMDB inherit GOPRIVATE: report the pattern once, where it is set.
    if ((name === 'GONOPROXY' || name === 'GONOSUMDB') && vars[name].from === 'GOPRIVATE') continue;
    const why = broadness(value);
    if (why) f.warn(`${s.describe(name)}: ${why}; ${meaning}`, fixFor(name));
  }

  if (s.v('GOSUMDB') === 'off') {
    f.warn(
      `${s.describe('GOSUMDB')}: downloaded modules are not checked against the checksum database (only against go.sum)`,
      fromFile('GOSUMDB')
        ? fixCommand('go env -u GOSUMDB', 'restores the default checksum database')
        : fixAction('private', '', 'exempts only the private modules (GONOSUMDB) instead of turning the database off'),
    );
  }

  for (const name of ['HTTPS_PROXY', 'HTTP_PROXY'] as const) {
    const value = s.v(name);
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(value)) {
      f.warn(`${name}=${redact(value)} carries a password in the URL: it shows in process listings and logs`);
    }
  }

  for (const name of RISKY) {
    if (!fromFile(name)) continue;
    const value = vars[name].value;
    f.warn(
      `${name}=${redact(value)} comes from the go env file ${s.env.envFile.path ?? ''} (written by go env -w), not from the environment: CI configuration and shell profiles do not show it`,
      fixCommand(`go env -u ${name}`, `removes ${name} from the go env file`),
    );
    f.evidence({ variable: name, value: redact(value), source: 'go env file', file: s.env.envFile.path });
  }

  f.evidence({
    GOPROXY: redact(goproxy),
    GOSUMDB: s.v('GOSUMDB'),
    GOPRIVATE: s.v('GOPRIVATE'),
    GOFLAGS: s.v('GOFLAGS'),
    buildMode: mode?.mode,
  });
  return f.outcome(
    `GOPROXY=${redact(goproxy)}, GOSUMDB=${s.v('GOSUMDB').split(/[+\s]/)[0]}${s.v('GOPRIVATE') ? `, GOPRIVATE=${s.v('GOPRIVATE')}` : ''}; -mod=${mode?.mode ?? 'readonly'}`,
  );
}

/** goEnv is the `go-env` check (see the file comment; registered in registry.ts). */
export const goEnv: CheckDefinition = {
  id: 'go-env',
  title: 'Go environment is coherent',
  network: false,
  doc: {
    detects:
      "Go environment settings that break or weaken module fetching: invalid values (in the go command's wording), GOPROXY=off or `direct` only, credentials in a GOPROXY URL (shown redacted), GOFLAGS=-mod=vendor without vendor/, GO111MODULE=off, GOPRIVATE/GONOPROXY/GONOSUMDB/GOINSECURE patterns that cover public modules (`*`, `github.com`), GOSUMDB=off, and values set silently in the go env file.",
    example: 'go: github.com/pkg/errors@v0.9.1: module lookup disabled by GOPROXY=off',
    fix: '`modrescue fix proxy` (GOPROXY), `modrescue fix private` (private-module patterns, credentials), `go env -u NAME` for a value from the go env file.',
  },
  run,
};
