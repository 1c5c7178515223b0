/**
 * The resolved Go environment as pure data (resolved once by src/cli/goenv.ts, read by
 * `modrescue env`, doctor and respond). Every value records where it came from, so a
 * finding can say "GOPROXY=off (from go env file)".
 *
 * Precedence is the go command's: the process environment, then the go env file
 * (`$GOENV`, default `$XDG_CONFIG_HOME/go/env` or `$HOME/.config/go/env`), then the
 * defaults of current Go. Values are exactly what `go env NAME` prints.
 */

/** GoEnvSource says which layer a value came from. */
export type GoEnvSource = 'environment' | 'go env file' | 'default';

/**
 * GO_ENV_NAMES are the module-related variables of the go command, in the order `go env`
 * prints them (current Go's MkEnv order; GOWORK comes last, as in `go env`).
 */
export const GO_ENV_NAMES = [
  'GO111MODULE',
  'GOAUTH',
  'GOENV',
  'GOFLAGS',
  'GOINSECURE',
  'GOMODCACHE',
  'GONOPROXY',
  'GONOSUMDB',
  'GOPATH',
  'GOPRIVATE',
  'GOPROXY',
  'GOSUMDB',
  'GOTOOLCHAIN',
  'GOVCS',
  'GOWORK',
] as const;

/** GO119_UNKNOWN_NAMES are variables of GO_ENV_NAMES that Go 1.19 does not know. */
export const GO119_UNKNOWN_NAMES: readonly GoEnvName[] = ['GOAUTH', 'GOTOOLCHAIN'];

/**
 * NETWORK_ENV_NAMES are the variables the go command reads from the process environment
 * only (never from the go env file): proxies, extra CA certificates and the .netrc path.
 */
export const NETWORK_ENV_NAMES = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NETRC',
] as const;

export type GoEnvName = (typeof GO_ENV_NAMES)[number];
export type NetworkEnvName = (typeof NETWORK_ENV_NAMES)[number];
export type EnvName = GoEnvName | NetworkEnvName;

/** GoEnvValue is one resolved value and its origin. */
export interface GoEnvValue {
  /** The value as `go env NAME` prints it (empty string when unset and without a default). */
  readonly value: string;
  readonly source: GoEnvSource;
  /** The exact variable name it was read from when it differs (e.g. `https_proxy`). */
  readonly from?: string;
}

/** GoEnvProblem is an invalid setting, worded as the go command words it. */
export interface GoEnvProblem {
  readonly name: EnvName;
  /** Stable code (listed in docs/errors.md). */
  readonly code: string;
  /** The go command's message, without the `go: ` prefix. */
  readonly message: string;
}

/** GoEnv is the frozen result of resolving the Go environment. */
export interface GoEnv {
  readonly vars: Readonly<Record<EnvName, GoEnvValue>>;
  /** The go env file consulted (undefined when GOENV=off or no config dir exists) and whether it was read. */
  readonly envFile: { readonly path: string | undefined; readonly read: boolean };
  /** Invalid settings; empty when everything is usable. */
  readonly problems: readonly GoEnvProblem[];
}

/** goEnvValue returns the value of name in env (the empty string for an unknown name). */
export function goEnvValue(env: GoEnv, name: string): string {
  return (env.vars as Record<string, GoEnvValue | undefined>)[name]?.value ?? '';
}
