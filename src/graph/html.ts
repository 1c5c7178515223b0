/**
 * The HTML view of `modrescue graph --format html`: one self-contained page (inline
 * CSS, JS and data; no network request of any kind) with a layered layout computed
 * here, a search box, and a side panel that explains a clicked module: who requires
 * it, and which requirement decided the version minimal version selection picked.
 */
import type { GraphView, Node } from './model.js';

/** Position is a node's box in page coordinates. */
export interface Position {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const COL_GAP = 90;
const ROW_GAP = 14;
const BOX_H = 26;
const CHAR_W = 7.2;

/**
 * layout places nodes in columns by requirement depth and orders each column by the
 * average row of the nodes requiring them (a few barycentre sweeps), so edges mostly
 * run left to right without crossing much.
 */
export function layout(view: GraphView): Map<string, Position> {
  const cols: Node[][] = [];
  for (const n of view.nodes) (cols[n.depth] ??= []).push(n);
  const incoming = new Map<string, string[]>();
  for (const e of view.edges) (incoming.get(e.to) ?? incoming.set(e.to, []).get(e.to)!).push(e.from);
  const row = new Map<string, number>();
  cols.forEach((c) => c?.forEach((n, i) => row.set(n.id, i)));
  for (let sweep = 0; sweep < 4; sweep++) {
    for (const c of cols.slice(1)) {
      if (!c) continue;
      const bary = (n: Node) => {
        const ps = (incoming.get(n.id) ?? []).map((p) => row.get(p)).filter((r): r is number => r !== undefined);
        return ps.length === 0 ? (row.get(n.id) ?? 0) : ps.reduce((a, b) => a + b, 0) / ps.length;
      };
      const keyed = c.map((n) => [bary(n), n] as const);
      keyed.sort((a, b) => a[0] - b[0] || (a[1].id < b[1].id ? -1 : 1));
      keyed.forEach(([, n], i) => {
        c[i] = n;
        row.set(n.id, i);
      });
    }
  }
  const pos = new Map<string, Position>();
  let x = 20;
  for (const c of cols) {
    if (!c) continue;
    const w = Math.max(...c.map((n) => boxWidth(n)));
    c.forEach((n, i) => pos.set(n.id, { x, y: 20 + i * (BOX_H + ROW_GAP), w, h: BOX_H }));
    x += w + COL_GAP;
  }
  return pos;
}

function boxWidth(n: Node): number {
  return Math.ceil((n.path.length + n.version.length + 2) * CHAR_W) + 16;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** renderHtml returns the whole page for view; title names the main module. */
export function renderHtml(view: GraphView, title: string): string {
  const pos = layout(view);
  const data = {
    nodes: view.nodes.map((n) => ({ ...n, ...pos.get(n.id)! })),
    edges: view.edges,
  };
  // JSON inside <script>: escape "<" so no "</script>" or "<!--" can end the element.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>module graph: ${escapeHtml(title)}</title>
<style>
body{margin:0;font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;display:flex;height:100vh;color:#222}
#main{flex:1;overflow:auto;position:relative;background:#fafafa}
#side{width:380px;border-left:1px solid #ccc;padding:10px;overflow:auto;background:#fff}
#bar{position:sticky;top:0;left:0;padding:6px;background:#fafafae8;z-index:2;border-bottom:1px solid #ddd}
#search{width:320px;padding:4px;font:inherit}
svg text{font:12px ui-monospace,Menlo,monospace;pointer-events:none}
.node rect{fill:#fff;stroke:#557;rx:4}
.node.main rect{fill:#e6efff;stroke:#224;stroke-width:2}
.node.unsel rect{stroke-dasharray:4 3;fill:#f3f3f3}
.node.unsel text{fill:#777}
.node.bad rect{stroke:#c00}
.node.depr rect{stroke:#d80}
.node{cursor:pointer}
.node.hit rect{fill:#fff3a0}
.node.dim{opacity:.25}
.node.active rect{stroke:#06c;stroke-width:3}
path.edge{fill:none;stroke:#99a;stroke-width:1}
path.edge.hl{stroke:#06c;stroke-width:2}
h2{font-size:14px;margin:4px 0 8px}
ul{padding-left:18px;margin:4px 0}
.muted{color:#777}
</style>
</head>
<body>
<div id="main"><div id="bar"><input id="search" type="search" placeholder="search modules (path or version)" autocomplete="off"> <span id="count" class="muted"></span></div><svg id="svg" xmlns="http://www.w3.org/2000/svg"></svg></div>
<div id="side"><h2>${escapeHtml(title)}</h2><p class="muted">${view.nodes.length} module versions, ${view.edges.length} requirements. Click a module to see who requires it and why its version was selected. Dashed boxes are versions that minimal version selection did not select.</p><div id="info"></div></div>
<script id="graph-data" type="application/json">${json}</script>
<script>
(function(){
var data=JSON.parse(document.getElementById('graph-data').textContent);
var NS='http://www.w3.org/2000/svg',svg=document.getElementById('svg');
var byId={},incoming={},outgoing={},byPath={};
data.nodes.forEach(function(n){byId[n.id]=n;(byPath[n.path]=byPath[n.path]||[]).push(n);});
data.edges.forEach(function(e){(incoming[e.to]=incoming[e.to]||[]).push(e.from);(outgoing[e.from]=outgoing[e.from]||[]).push(e.to);});
var W=0,H=0;data.nodes.forEach(function(n){W=Math.max(W,n.x+n.w+20);H=Math.max(H,n.y+n.h+20);});
svg.setAttribute('width',W);svg.setAttribute('height',H+40);
var edgeEls=[],nodeEls={};
function el(t,a){var x=document.createElementNS(NS,t);for(var k in a)x.setAttribute(k,a[k]);return x;}
data.edges.forEach(function(e){var a=byId[e.from],b=byId[e.to];if(!a||!b)return;
 var x1=a.x+a.w,y1=a.y+a.h/2,x2=b.x,y2=b.y+b.h/2;if(x2<=x1){x2=b.x+b.w;}
 var m=(x1+x2)/2,p=el('path',{'class':'edge',d:'M'+x1+','+y1+' C'+m+','+y1+' '+m+','+y2+' '+x2+','+y2});p.dataset.from=e.from;p.dataset.to=e.to;svg.appendChild(p);edgeEls.push(p);});
data.nodes.forEach(function(n){var cls='node'+(n.main?' main':'')+(!n.main&&!n.selected?' unsel':'')+(n.retracted||n.excluded?' bad':'')+(n.deprecated?' depr':'');
 var g=el('g',{'class':cls,transform:'translate('+n.x+','+n.y+')'});g.dataset.id=n.id;
 g.appendChild(el('rect',{width:n.w,height:n.h}));var t=el('text',{x:8,y:17});t.textContent=n.path+(n.version?' '+n.version:'');g.appendChild(t);
 var tip=el('title',{});tip.textContent=n.id;g.appendChild(tip);
 g.addEventListener('click',function(){show(n.id);});svg.appendChild(g);nodeEls[n.id]=g;});
function esc(s){return String(s).replace(/[&<>"']/g,function(c){return '&#'+c.charCodeAt(0)+';';});}
function link(id){return '<a href="#" data-go="'+esc(id)+'">'+esc(id)+'</a>';}
function cmpv(a,b){return a<b?-1:a>b?1:0;}
function show(id){var n=byId[id];if(!n)return;
 Object.keys(nodeEls).forEach(function(k){nodeEls[k].classList.toggle('active',k===id);});
 edgeEls.forEach(function(p){p.classList.toggle('hl',p.dataset.to===id||p.dataset.from===id);});
 var h='<h2 id="info-title">'+esc(n.path)+(n.version?' '+esc(n.version):'')+'</h2>';
 if(n.main){h+='<p>The main module.</p>';}
 else{var sel=(byPath[n.path]||[]).filter(function(x){return x.selected;})[0];
  h+='<p id="info-status">'+(n.selected?'Selected: this is the version the build uses.':'Not selected: the build uses '+(sel?esc(sel.version):'another version')+'.')+'</p>';}
 if(n.replacedBy)h+='<p>Replaced by '+esc(n.replacedBy)+'.</p>';
 if(n.retracted)h+='<p>Retracted: '+esc(n.retracted.join('; '))+'</p>';
 if(n.deprecated)h+='<p>Deprecated: '+esc(n.deprecated)+'</p>';
 if(n.excluded)h+='<p>Excluded by the main module&#39;s go.mod.</p>';
 var req=incoming[id]||[];
 h+='<h2>Required by ('+req.length+')</h2><ul id="info-requiredby">'+req.map(function(r){return '<li>'+link(r)+(byId[r]&&!byId[r].selected&&!byId[r].main?' <span class="muted">(not selected)</span>':'')+'</li>';}).join('')+'</ul>';
 if(!n.main){var vs=(byPath[n.path]||[]).slice().sort(function(a,b){return cmpv(a.version,b.version);});
  var sel2=vs.filter(function(x){return x.selected;})[0];
  h+='<h2>Why this version</h2><div id="info-why">';
  if(sel2){var dec=incoming[sel2.id]||[];
   h+='<p>Minimal version selection picks the highest version any loaded go.mod requires. Versions required: '+vs.map(function(x){return esc(x.version);}).join(', ')+'. Selected <b>'+esc(sel2.version)+'</b>, required by:</p><ul>'+dec.map(function(r){return '<li>'+link(r)+'</li>';}).join('')+'</ul>';}
  h+='</div>';}
 var out=outgoing[id]||[];
 h+='<h2>Requires ('+out.length+')</h2>'+(n.expanded||n.main?'':'<p class="muted">Its go.mod was not read (graph pruning).</p>')+'<ul>'+out.map(function(r){return '<li>'+link(r)+'</li>';}).join('')+'</ul>';
 var info=document.getElementById('info');info.innerHTML=h;
 info.querySelectorAll('a[data-go]').forEach(function(a){a.addEventListener('click',function(ev){ev.preventDefault();show(a.dataset.go);scrollTo(a.dataset.go);});});
}
function scrollTo(id){var n=byId[id],m=document.getElementById('main');if(n){m.scrollLeft=Math.max(0,n.x-100);m.scrollTop=Math.max(0,n.y-100);}}
var search=document.getElementById('search'),count=document.getElementById('count');
search.addEventListener('input',function(){var q=search.value.trim().toLowerCase(),hits=[];
 data.nodes.forEach(function(n){var hit=q!==''&&n.id.toLowerCase().indexOf(q)>=0;nodeEls[n.id].classList.toggle('hit',hit);nodeEls[n.id].classList.toggle('dim',q!==''&&!hit);if(hit)hits.push(n.id);});
 count.textContent=q===''?'':hits.length+' match'+(hits.length===1?'':'es');if(hits.length>0)scrollTo(hits[0]);});
search.addEventListener('keydown',function(ev){if(ev.key==='Enter'){var first=data.nodes.filter(function(n){return nodeEls[n.id].classList.contains('hit');})[0];if(first)show(first.id);}});
})();
</script>
</body>
</html>
`;
}
