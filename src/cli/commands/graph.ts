/** `modrescue graph [--focus module] [--depth N] [--format text|dot|mermaid|json|html] [-o file]`. */
import { writeFile } from 'node:fs/promises';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit.js';
import { parseFlags, usageError } from '../flags.js';
import {
  FORMATS,
  buildView,
  focusView,
  limitDepth,
  renderDot,
  renderHtml,
  renderMermaid,
  renderText,
  replacedAnnotation,
  viewDocument,
  withoutToolchain,
  type Format,
} from '../../graph/index.js';
import { openModule, type Opened } from './list.js';

export const usage = `usage: modrescue graph [--focus module] [--depth N] [--format text|dot|mermaid|json|html] [-o file]

Draw the module graph of the main module. --focus keeps only the requirement
paths that lead to a module; --depth limits how far from the main module to go.
--format html writes a self-contained page (no network) with search and a panel
that explains who requires a module and why its version was selected.`;

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(
    args,
    {
      focus: { kind: 'string' },
      depth: { kind: 'string' },
      format: { kind: 'string' },
      json: { kind: 'bool' },
      o: { kind: 'string', aliases: ['output'] },
    },
    { interspersed: true },
  );
  const format = (flags.values['json'] ? 'json' : ((flags.values['format'] as string | undefined) ?? 'text')) as Format;
  if (!FORMATS.includes(format)) throw usageError(`graph: unknown --format "${format}" (use ${FORMATS.join(', ')})`);
  const depthArg = flags.values['depth'] as string | undefined;
  const depth = depthArg === undefined ? undefined : Number(depthArg);
  if (depth !== undefined && (!Number.isInteger(depth) || depth < 0))
    throw usageError(`graph: --depth must be a non-negative integer, not "${depthArg}"`);
  if (flags.args.length > 0) throw usageError(`graph: unexpected argument "${flags.args[0]}"`);
  let opened: Opened | undefined;
  try {
    opened = await openModule(ctx, { cmdName: 'mod graph' });
    const mg = await opened.loader.loadModGraph();
    const replaced = replacedAnnotation(mg.mains);
    let view = buildView(withoutToolchain(mg), { replaced, excluded: mg.excluded });
    const focus = flags.values['focus'] as string | undefined;
    if (focus) view = focusView(view, focus);
    if (depth !== undefined) view = limitDepth(view, depth);
    let text: string;
    switch (format) {
      case 'json':
        if (!flags.values['o']) {
          ctx.json({ ...viewDocument(view), ...(focus ? { focus } : {}) });
          return EXIT.OK;
        }
        text = JSON.stringify({ schemaVersion: 1, ...viewDocument(view) }, null, 2);
        break;
      case 'dot':
        text = renderDot(view);
        break;
      case 'mermaid':
        text = renderMermaid(view);
        break;
      case 'html':
        text = renderHtml(view, mg.main.path);
        break;
      default:
        text = renderText(view);
    }
    const out = flags.values['o'] as string | undefined;
    if (out) await writeFile(ctx.resolve(out), text.endsWith('\n') ? text : text + '\n');
    else ctx.out(text);
    return EXIT.OK;
  } catch (e) {
    ctx.err(`modrescue: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.INCOMPLETE;
  } finally {
    await opened?.close();
  }
}
