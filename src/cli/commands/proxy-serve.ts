/**
 * `modrescue proxy serve`: run the module proxy (src/proxy) until SIGINT/SIGTERM.
 *
 * The composition root of the proxy: reads the config file and MODRESCUE_PROXY_*
 * variables (io.env), merges them with the flags, validates once (all errors at once,
 * exit 2), then listens and logs JSON lines to stdout. `--print-config` prints the
 * effective configuration (secrets redacted) and exits.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../../shared/errors.js';
import {
  CONFIG_FILE_ENV,
  createProxy,
  formatConfigYaml,
  redactedConfig,
  resolveProxyConfig,
  SETTINGS,
  startServer,
} from '../../proxy/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit.js';
import { parseFlags, type FlagSpecs } from '../flags.js';
import { version } from '../main.js';

export const usage = `usage: modrescue proxy serve [flags]

Runs a GOPROXY server whose cache survives upstream outages, verifies everything it
stores (zip checks, go.mod, checksum database) and proxies the checksum database.
Clients use it as GOPROXY=http://HOST:PORT.

Flags:
  -config FILE      config file (YAML or JSON); also ${CONFIG_FILE_ENV}
${SETTINGS.filter((s) => s.flag)
  .map((s) => `  -${(s.flag! + (s.kind === 'bool' ? '' : ' VALUE')).padEnd(16)} ${s.key} (${s.env})`)
  .join('\n')}
  --print-config    print the effective configuration (secrets redacted) and exit
  --json            with --print-config: print it as JSON with the source of each value

Every setting, its environment variable and its default: docs/proxy.md.
Endpoints: /-/healthz, /-/readyz, /-/metrics, /-/api/modules, /-/api/upstreams.
Logs are JSON lines on stdout. SIGINT/SIGTERM drain in-flight downloads and stop.
Exit status: 0 stopped cleanly, 2 invalid configuration, 3 cannot listen or open storage.`;

const FLAGS: FlagSpecs = {
  config: { kind: 'string' },
  'print-config': { kind: 'bool' },
  json: { kind: 'bool' },
  ...Object.fromEntries(
    SETTINGS.filter((s) => s.flag).map((s) => [s.flag!, { kind: s.kind === 'bool' ? 'bool' : 'string' }]),
  ),
};

/** defaultStorageRoot is $XDG_CACHE_HOME/modrescue/proxy, else $HOME/.cache/modrescue/proxy. */
function defaultStorageRoot(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'modrescue', 'proxy');
  const home = env['HOME'];
  if (home) return path.join(home, '.cache', 'modrescue', 'proxy');
  return '';
}

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, args: rest } = parseFlags(args, FLAGS, { interspersed: true });
  if (rest.length > 0) {
    throw new CodedError('ERR_CLI_USAGE', `proxy serve takes no arguments (got ${JSON.stringify(rest[0])})`);
  }
  const env = ctx.io.env;
  const configPath = (values['config'] as string | undefined) ?? env[CONFIG_FILE_ENV];
  let file: { path: string; text: string } | undefined;
  if (configPath) {
    const full = ctx.resolve(configPath);
    try {
      file = { path: configPath, text: await readFile(full, 'utf8') };
    } catch (e) {
      throw new CodedError(
        'ERR_PROXY_CONFIG',
        `invalid proxy configuration:\n\tcannot read config file ${configPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        { file: configPath, exitCode: EXIT.USAGE },
      );
    }
  }
  const flags: Record<string, string | boolean | undefined> = {};
  for (const s of SETTINGS) {
    if (s.flag && values[s.flag] !== undefined) flags[s.flag] = values[s.flag] as string | boolean;
  }
  const root = defaultStorageRoot(env);
  const resolved = resolveProxyConfig({
    ...(file ? { file } : {}),
    env,
    flags,
    defaults: root ? { 'storage.root': root } : {},
  });
  const storageRoot = ctx.resolve(resolved.config.storage.root);
  const config = { ...resolved.config, storage: { ...resolved.config.storage, root: storageRoot } };

  if (values['print-config']) {
    if (values['json']) {
      ctx.json({ config: redactedConfig(config), sources: resolved.sources });
    } else {
      ctx.io.stdout.write(formatConfigYaml({ config, sources: resolved.sources }));
    }
    return EXIT.OK;
  }

  const v = await version();
  const proxy = await createProxy({ config, logSink: ctx.io.stdout, version: v });
  let server;
  try {
    server = await startServer(proxy, {
      host: config.listen.host,
      port: config.listen.port,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
    });
  } catch (e) {
    await proxy.close();
    throw e;
  }
  proxy.logger.info(
    {
      url: server.url,
      storage: storageRoot,
      upstreams: proxy.chain.upstreams.map((u) => u.id),
      sumdb: proxy.sumdbs.all.map((d) => d.name),
      offline: config.offline,
      version: v,
    },
    'listening',
  );
  ctx.err(`modrescue proxy listening on ${server.url} (GOPROXY=${server.url}); storage ${storageRoot}`);

  const signal = ctx.io.signal;
  if (signal && !signal.aborted) {
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  } else if (!signal) {
    // Without a signal (embedded use) the server runs until the process ends.
    await new Promise<void>(() => {});
  }
  ctx.err('modrescue proxy: shutting down (draining in-flight downloads)');
  await server.close();
  proxy.logger.info({}, 'stopped');
  return EXIT.OK;
}
