/**
 * modrescue's own config file, read once by the commands that use it (only src/cli reads
 * config files). Today it holds the team's triage rules, so that user rules need neither
 * a fork nor a `--rules` flag on every call:
 *
 *     # ~/.config/modrescue/config.yaml (or the file MODRESCUE_CONFIG names)
 *     triage:
 *       rules:               # rule directories, relative to this file
 *         - ./go-mod-rules
 *         - /etc/modrescue/rules
 *
 * The file is `$MODRESCUE_CONFIG` when set (`off` disables it; a missing file is an
 * error), else `$XDG_CONFIG_HOME/modrescue/config.yaml` or
 * `$HOME/.config/modrescue/config.yaml` when it exists. Problems are reported with
 * `file:line:col` and exit 2 (ERR_CONFIG_INVALID, ERR_CONFIG_READ).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { CodedError } from '../shared/errors.js';
import { yamlOffset } from '../shared/yaml-position.js';
import { EXIT } from './exit.js';

/** CONFIG_ENV names the config file explicitly (`off`: none). */
export const CONFIG_ENV = 'MODRESCUE_CONFIG';

/** CliConfig is the resolved config file. */
export interface CliConfig {
  /** The file it was read from; absent when there is none. */
  readonly file?: string;
  /** Absolute rule directories for triage (and respond), in the file's order. */
  readonly triageRules: readonly string[];
}

const schema = z
  .object({
    triage: z
      .object({
        rules: z.array(z.string().min(1, 'a rule directory must not be empty')).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** configPath returns the config file to read and whether it must exist. */
function configPath(env: Readonly<Record<string, string | undefined>>): { file?: string; required: boolean } {
  const explicit = env[CONFIG_ENV];
  if (explicit !== undefined && explicit !== '') {
    return explicit === 'off' ? { required: false } : { file: explicit, required: true };
  }
  const xdg = env['XDG_CONFIG_HOME'] ?? '';
  if (xdg !== '' && path.isAbsolute(xdg)) return { file: path.join(xdg, 'modrescue', 'config.yaml'), required: false };
  const home = env['HOME'] ?? '';
  if (home !== '') return { file: path.join(home, '.config', 'modrescue', 'config.yaml'), required: false };
  return { required: false };
}

/**
 * loadCliConfig reads and validates the config file for this environment. A relative
 * MODRESCUE_CONFIG is taken from cwd. It throws ERR_CONFIG_READ when a named file
 * cannot be read and ERR_CONFIG_INVALID (every problem, with file:line:col) when the
 * file is not valid; both exit 2.
 */
export async function loadCliConfig(io: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}): Promise<CliConfig> {
  const where = configPath(io.env);
  if (where.file === undefined) return { triageRules: [] };
  const file = path.resolve(io.cwd, where.file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!where.required && code === 'ENOENT') return { triageRules: [] };
    const from = where.required ? ` (named by ${CONFIG_ENV})` : '';
    throw new CodedError(
      'ERR_CONFIG_READ',
      `cannot read config file ${file}${from}: ${code ?? (e as Error).message}; fix the path, or set ${CONFIG_ENV}=off`,
      { file, exitCode: EXIT.USAGE },
    );
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const p = lc.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  const problems: string[] = doc.errors.map((e) => `${at(e.pos[0])}: ${e.message.split('\n')[0]!}`);
  let data: z.infer<typeof schema> = {};
  if (problems.length === 0) {
    const parsed = schema.safeParse(doc.toJS() ?? {});
    if (parsed.success) data = parsed.data;
    else {
      for (const issue of parsed.error.issues) {
        // The key itself for an unknown key, else the deepest node the issue's path reaches.
        const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
        const offset = yamlOffset(doc, issue.path, key);
        const dotted = issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : '';
        problems.push(`${at(offset)}: ${issue.message}${dotted}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new CodedError(
      'ERR_CONFIG_INVALID',
      `${problems.join('\n')}\ninvalid config file ${file}: fix the lines above (docs/triage.md describes the file), or set ${CONFIG_ENV}=off`,
      { file, count: problems.length, exitCode: EXIT.USAGE },
    );
  }
  const base = path.dirname(file);
  return { file, triageRules: (data.triage?.rules ?? []).map((d) => path.resolve(base, d)) };
}
