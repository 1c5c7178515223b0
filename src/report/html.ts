/**
 * The post-incident record as one self-contained HTML page: inline CSS, no script, no
 * request of any kind (a Content-Security-Policy of `default-src 'none'` says so to the
 * browser). The failing module's requirement paths are drawn as an SVG laid out by
 * src/graph's layered layout (the same one `modrescue graph --format html` uses).
 */
import { layout, type Edge, type GraphView, type Node } from '../graph/index.js';
import type { DependencyPath } from './incident.js';
import type { ReportModel } from './record.js';
import { HEADINGS } from './text.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** inline renders the Markdown inline subset of the texts: `code`, **bold**, _italic_. */
function inline(s: string): string {
  return esc(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|\s)_([^_]+)_(?=\s|$)/g, '$1<em>$2</em>');
}

/** markdownBlock renders the notice's Markdown (headings, paragraphs, lists) as HTML. */
export function markdownBlock(md: string): string {
  const out: string[] = [];
  let list: 'ul' | 'ol' | undefined;
  const close = () => {
    if (list) out.push(`</${list}>`);
    list = undefined;
  };
  for (const line of md.split('\n')) {
    const h = /^(#{1,6}) (.*)$/.exec(line);
    const ul = /^- (.*)$/.exec(line);
    const ol = /^\d+\. (.*)$/.exec(line);
    if (h) {
      close();
      const level = Math.min(6, h[1]!.length + 2);
      out.push(`<h${level}>${inline(h[2]!)}</h${level}>`);
    } else if (ul || ol) {
      const kind = ul ? 'ul' : 'ol';
      if (list !== kind) {
        close();
        out.push(`<${kind}>`);
        list = kind;
      }
      out.push(`<li>${inline((ul ?? ol)![1]!)}</li>`);
    } else if (line.trim() === '') {
      close();
    } else {
      close();
      out.push(`<p>${inline(line)}</p>`);
    }
  }
  close();
  return out.join('\n');
}

/** pathView turns requirement paths into a GraphView (main module first, one column per step). */
export function pathView(p: DependencyPath): GraphView {
  const nodes = new Map<string, Node>();
  const edges: Edge[] = [];
  const seen = new Set<string>();
  for (const steps of p.paths) {
    steps.forEach((s, i) => {
      const id = s.version === '' ? s.path : `${s.path}@${s.version}`;
      if (!nodes.has(id)) {
        nodes.set(id, {
          id,
          path: s.path,
          version: s.version,
          main: i === 0,
          selected: true,
          depth: i,
          expanded: true,
        });
      }
      if (i > 0) {
        const prev = steps[i - 1]!;
        const from = prev.version === '' ? prev.path : `${prev.path}@${prev.version}`;
        const k = `${from} ${id}`;
        if (!seen.has(k)) {
          seen.add(k);
          edges.push({ from, to: id });
        }
      }
    });
  }
  const all = [...nodes.values()];
  return { main: all.filter((n) => n.main).map((n) => n.id), nodes: all, edges };
}

/** pathSvg draws the requirement paths; the failing module's box is marked. */
export function pathSvg(p: DependencyPath): string {
  const view = pathView(p);
  const pos = layout(view);
  let w = 0;
  let h = 0;
  for (const b of pos.values()) {
    w = Math.max(w, b.x + b.w + 20);
    h = Math.max(h, b.y + b.h + 20);
  }
  const parts: string[] = [];
  for (const e of view.edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + a.w;
    const y1 = a.y + a.h / 2;
    const x2 = b.x;
    const y2 = b.y + b.h / 2;
    const mx = (x1 + x2) / 2;
    parts.push(
      `<path class="edge" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2 - 6},${y2}" marker-end="url(#arrow)"/>`,
    );
  }
  for (const n of view.nodes) {
    const b = pos.get(n.id)!;
    const failing = n.path === p.module;
    const cls = `node${n.main ? ' main' : ''}${failing ? ' failing' : ''}`;
    parts.push(
      `<g class="${cls}" data-module="${esc(n.path)}" transform="translate(${b.x},${b.y})"><rect width="${b.w}" height="${b.h}" rx="4"/><text x="8" y="17">${esc(n.path)}${n.version ? ' ' + esc(n.version) : ''}</text></g>`,
    );
  }
  return `<svg id="dependency-path" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="requirement paths to ${esc(p.module)}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#778"/></marker></defs>
${parts.join('\n')}
</svg>`;
}

/** renderHtml returns the whole record as one self-contained page. */
export function renderReportHtml(m: ReportModel): string {
  const L = m.lang;
  const h = (k: keyof typeof HEADINGS) => esc(HEADINGS[k][L]);
  const list = (items: readonly string[], id?: string) =>
    `<ul${id ? ` id="${id}"` : ''}>${items.map((s) => `<li>${inline(s)}</li>`).join('')}</ul>`;
  const sections: string[] = [];
  sections.push(`<section id="summary">${list(m.summary)}</section>`);
  sections.push(
    `<section id="notice"><h2>${h('notice')}</h2><div class="notice">${markdownBlock(m.notice)}</div></section>`,
  );
  sections.push(
    `<section><h2>${h('timeline')}</h2><table id="timeline"><thead><tr><th>${h('time')}</th><th>${h('event')}</th><th>${h('evidence')}</th></tr></thead><tbody>${m.timeline
      .map(
        (r) =>
          `<tr class="timeline-row"><td class="t">${esc(r.time)}</td><td>${inline(r.event)}</td><td class="ev">${inline(r.evidence)}</td></tr>`,
      )
      .join('')}</tbody></table></section>`,
  );
  if (m.dependencyPath && m.dependencyPath.paths.length > 0) {
    sections.push(
      `<section><h2>${h('path')}</h2><div class="graph">${pathSvg(m.dependencyPath)}</div><p class="muted">${esc(
        L === 'zh'
          ? m.dependencyPath.from === 'graph'
            ? '来自已加载的模块依赖图（最短依赖路径）。'
            : '模块依赖图无法加载，此处仅根据 go.mod 绘制。'
          : m.dependencyPath.from === 'graph'
            ? 'From the loaded module graph (shortest requirement paths).'
            : 'The module graph could not be loaded; drawn from go.mod alone.',
      )}</p></section>`,
    );
  }
  sections.push(
    `<section><h2>${h('triggerRoot')}</h2><p><strong>${h('trigger')}:</strong> ${inline(m.trigger.join(' '))}</p><p><strong>${h('rootCause')}:</strong> ${inline(m.rootCause[0] ?? '')}</p>${m.rootCause.length > 1 ? list(m.rootCause.slice(1)) : ''}</section>`,
  );
  sections.push(`<section><h2>${h('detection')}</h2>${list(m.detection)}</section>`);
  sections.push(`<section><h2>${h('impact')}</h2>${list(m.impact)}</section>`);
  const actionRow = (a: ReportModel['actions'][number]) =>
    `<tr class="action"><td><code>${esc(a.id ?? '')}</code></td><td><strong>${esc(a.action)}</strong><br><code>${esc(a.command)}</code></td><td>${esc(a.statusText)}${a.undoneBy ? `<br><span class="muted">${esc(a.undoneBy)}</span>` : ''}</td><td>${inline(a.summary)}<br><span class="muted">${inline(a.risk)}</span>${a.files.length ? `<br><span class="muted">${a.files.map(esc).join('<br>')}</span>` : ''}</td><td>${a.undo ? `<code>${esc(a.undo)}</code>` : ''}</td></tr>`;
  const undoH = L === 'zh' ? '撤销' : 'undo';
  const actionHead = `<thead><tr><th>id</th><th>${L === 'zh' ? '措施' : 'action'}</th><th>${L === 'zh' ? '状态' : 'status'}</th><th>${L === 'zh' ? '说明' : 'what'}</th><th>${undoH}</th></tr></thead>`;
  sections.push(
    `<section><h2>${h('actions')}</h2>${m.actions.length > 0 ? `<table id="actions">${actionHead}<tbody>${m.actions.map(actionRow).join('')}</tbody></table>` : `<p>${L === 'zh' ? '未执行任何措施。' : 'No action was applied.'}</p>`}${
      m.notApplied.length > 0
        ? `<h3>${h('notApplied')}</h3><table>${actionHead}<tbody>${m.notApplied.map(actionRow).join('')}</tbody></table>`
        : ''
    }</section>`,
  );
  sections.push(`<section><h2>${h('verification')}</h2>${list(m.verification)}</section>`);
  sections.push(`<section><h2>${h('well')}</h2>${list(m.wentWell)}</section>`);
  sections.push(`<section><h2>${h('badly')}</h2>${list(m.wentBadly)}</section>`);
  sections.push(
    `<section><h2>${h('prevention')}</h2><ul id="prevention">${m.prevention
      .map(
        (p) =>
          `<li class="${p.relevant ? 'relevant' : ''}"><strong>${esc(p.title)}</strong>${p.relevant ? ` <span class="tag">${L === 'zh' ? '与本次事件直接相关' : 'addresses this incident'}</span>` : ''}<br>${inline(p.text)}<br><code>${esc(p.how)}</code></li>`,
      )
      .join('')}</ul></section>`,
  );
  return `<!doctype html>
<html lang="${L === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(m.title)}</title>
<style>
body{margin:0 auto;max-width:1100px;padding:16px 24px;font:14px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC",sans-serif;color:#1d1d1f}
h1{font-size:22px;margin:8px 0 12px}h2{font-size:17px;border-bottom:1px solid #ddd;padding-bottom:3px;margin-top:28px}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f3f5;padding:1px 4px;border-radius:3px;word-break:break-all}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f6f6f8}td.t{white-space:nowrap;font-family:ui-monospace,Menlo,monospace}td.ev{color:#444}
.notice{border-left:4px solid #c77d00;background:#fffaf0;padding:4px 14px}
.muted{color:#666}.tag{background:#e8f1ff;color:#1b4fa0;border-radius:3px;padding:0 5px;font-size:12px}
li.relevant{font-weight:normal}
.graph{overflow:auto;border:1px solid #ddd;background:#fafafa}
svg text{font:12px ui-monospace,Menlo,monospace}
.node rect{fill:#fff;stroke:#557}.node.main rect{fill:#e6efff;stroke:#224;stroke-width:2}.node.failing rect{fill:#ffe8e6;stroke:#c00;stroke-width:2}
path.edge{fill:none;stroke:#778;stroke-width:1.3}
@media print{.graph{overflow:visible}}
</style>
</head>
<body>
<h1>${esc(m.title)}</h1>
${sections.join('\n')}
</body>
</html>
`;
}
