/**
 * Renderers of a GraphView: an indented text tree, Graphviz dot, Mermaid, and a JSON
 * document (the HTML page is in html.ts).
 */
import type { GraphView, Node } from './model.js';

/** Format names `modrescue graph --format` accepts. */
export const FORMATS = ['text', 'dot', 'mermaid', 'json', 'html'] as const;
export type Format = (typeof FORMATS)[number];

function label(n: Node): string {
  const bits: string[] = [];
  if (!n.main && !n.selected) bits.push('not selected');
  if (n.replacedBy) bits.push(`=> ${n.replacedBy}`);
  if (n.retracted) bits.push('retracted');
  if (n.deprecated) bits.push('deprecated');
  if (n.excluded) bits.push('excluded');
  if (!n.expanded && !n.main) bits.push('pruned');
  const v = n.version === '' ? '' : ` ${n.version}`;
  return `${n.path}${v}${bits.length > 0 ? ` (${bits.join(', ')})` : ''}`;
}

/**
 * renderText prints the graph as an indented tree from the main module: each module
 * version's requirements appear under it the first time it is printed; later
 * occurrences end with " (see above)".
 */
export function renderText(view: GraphView): string {
  const byId = new Map(view.nodes.map((n) => [n.id, n] as const));
  const out = new Map<string, string[]>();
  for (const e of view.edges) {
    const l = out.get(e.from) ?? [];
    l.push(e.to);
    out.set(e.from, l);
  }
  const lines: string[] = [];
  const printed = new Set<string>();
  const visit = (id: string, prefix: string, last: boolean, top: boolean): void => {
    const n = byId.get(id);
    if (!n) return;
    const kids = out.get(id) ?? [];
    const again = printed.has(id) && kids.length > 0;
    lines.push(`${top ? '' : prefix + (last ? '└── ' : '├── ')}${label(n)}${again ? ' (see above)' : ''}`);
    if (again) return;
    printed.add(id);
    const childPrefix = top ? '' : prefix + (last ? '    ' : '│   ');
    kids.forEach((k, i) => visit(k, childPrefix, i === kids.length - 1, false));
  };
  for (const m of view.main) visit(m, '', true, true);
  return lines.join('\n');
}

const dotQuote = (s: string) => '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';

/** renderDot prints the graph in Graphviz dot syntax (selected versions solid, others dashed). */
export function renderDot(view: GraphView): string {
  const lines = ['digraph modules {', '  rankdir=LR;', '  node [shape=box, fontname="monospace"];'];
  for (const n of view.nodes) {
    const attrs = [`label=${dotQuote(label(n))}`];
    if (n.main) attrs.push('style=bold');
    else if (!n.selected) attrs.push('style=dashed', 'color=gray50');
    if (n.retracted || n.excluded) attrs.push('color=red');
    else if (n.deprecated) attrs.push('color=orange');
    lines.push(`  ${dotQuote(n.id)} [${attrs.join(', ')}];`);
  }
  for (const e of view.edges) lines.push(`  ${dotQuote(e.from)} -> ${dotQuote(e.to)};`);
  lines.push('}');
  return lines.join('\n');
}

/** renderMermaid prints the graph as a Mermaid flowchart (ids are n0, n1, … in node order). */
export function renderMermaid(view: GraphView): string {
  const ids = new Map(view.nodes.map((n, i) => [n.id, `n${i}`] as const));
  const esc = (s: string) => s.replace(/"/g, '#quot;');
  const lines = ['flowchart LR'];
  for (const n of view.nodes) lines.push(`  ${ids.get(n.id)}["${esc(label(n))}"]`);
  for (const e of view.edges) lines.push(`  ${ids.get(e.from)} --> ${ids.get(e.to)}`);
  const dim = view.nodes.filter((n) => !n.main && !n.selected).map((n) => ids.get(n.id));
  if (dim.length > 0) {
    lines.push('  classDef notselected stroke-dasharray: 4 4,color:#777');
    lines.push(`  class ${dim.join(',')} notselected`);
  }
  return lines.join('\n');
}

/** viewDocument returns the JSON form of a view (without schemaVersion; the CLI adds it). */
export function viewDocument(view: GraphView): Record<string, unknown> {
  return { main: view.main, nodes: view.nodes, edges: view.edges };
}
