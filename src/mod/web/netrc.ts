/**
 * The .netrc format (https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html)
 * as the go command reads it (cmd/go/internal/auth): `machine`, `login`, `password` tokens,
 * `macdef` bodies skipped up to the next empty line, and parsing stops at `default`
 * (whose credentials the go command never uses).
 */

/** NetrcLine is one complete machine entry. */
export interface NetrcLine {
  readonly machine: string;
  readonly login: string;
  readonly password: string;
}

/** Netrc is the parsed file: complete machine entries in file order, and the default entry if any. */
export interface Netrc {
  readonly machines: readonly NetrcLine[];
  /** The `default` entry's login/password (parsed for diagnostics; never sent, as in Go). */
  readonly default?: { readonly login: string; readonly password: string };
}

/**
 * parseNetrc parses .netrc content. Entries missing a login or password are skipped (as
 * in Go); it never throws.
 */
export function parseNetrc(data: string): Netrc {
  const machines: NetrcLine[] = [];
  let cur: { machine: string; login: string; password: string } = { machine: '', login: '', password: '' };
  let inMacro = false;
  let inDefault = false;
  let def: { login: string; password: string } | undefined;
  for (const line of data.split('\n')) {
    if (inMacro) {
      // A macro body runs to the first empty line.
      if (line === '') inMacro = false;
      continue;
    }
    const f = line.split(/[ \t\r\v\f]+/).filter((w) => w !== '');
    if (inDefault) {
      // Only collect the default entry's credentials, up to the next machine token;
      // nothing after it is used.
      if (f.includes('machine')) break;
      for (let i = 0; i + 1 < f.length; i += 2) {
        if (f[i] === 'login') def = { login: f[i + 1]!, password: def?.password ?? '' };
        if (f[i] === 'password') def = { login: def?.login ?? '', password: f[i + 1]! };
      }
      continue;
    }
    for (let i = 0; i < f.length; i += 2) {
      if (f[i] === 'default') {
        // "There can be only one default token, and it must be after all machine tokens":
        // nothing after it names a machine. Its own login/password may follow on this line.
        inDefault = true;
        def = { login: '', password: '' };
        for (let j = i + 1; j + 1 < f.length; j += 2) {
          if (f[j] === 'login') def.login = f[j + 1]!;
          if (f[j] === 'password') def.password = f[j + 1]!;
        }
        break;
      }
      if (i + 1 >= f.length) break;
      switch (f[i]) {
        case 'machine':
          cur = { machine: f[i + 1]!, login: '', password: '' };
          break;
        case 'login':
          cur.login = f[i + 1]!;
          break;
        case 'password':
          cur.password = f[i + 1]!;
          break;
        case 'macdef':
          // The macro body starts on the next line.
          inMacro = true;
          break;
      }
      if (cur.machine !== '' && cur.login !== '' && cur.password !== '') {
        machines.push({ ...cur });
        cur = { machine: '', login: '', password: '' };
      }
    }
  }
  return def && (def.login !== '' || def.password !== '') ? { machines, default: def } : { machines };
}

/**
 * netrcCredentials returns the first entry whose machine is the URL's host name (or
 * host:port), or undefined. Invalid URLs have no credentials.
 */
export function netrcCredentials(netrc: Netrc, url: string): NetrcLine | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  return netrcCredentialsForHost(netrc, u.hostname, u.host);
}

/**
 * netrcCredentialsForHost is netrcCredentials for a URL already parsed: hostname and
 * host are the URL's (an IPv6 hostname may keep its brackets). undefined when no
 * entry matches.
 */
export function netrcCredentialsForHost(netrc: Netrc, hostname: string, host: string): NetrcLine | undefined {
  const name = hostname.replace(/^\[|\]$/g, '');
  return netrc.machines.find((l) => l.machine === name || l.machine === host);
}
