/**
 * The people views' data model: a module requirement graph as the go command loaded
 * it (every module version whose go.mod was read, and the versions each requires),
 * plus what the views annotate — the selected version of each path, replacements,
 * exclusions, retractions and deprecations.
 */
import type { ModuleVersion } from '../mod/mvs/index.js';

/** GraphSource is what the views read from a loaded module graph (mvs.Graph fits). */
export interface GraphSource {
  /** The main module(s), version "". */
  readonly roots: readonly ModuleVersion[];
  /** The requirements recorded for m, in go.mod order; undefined when m's go.mod was not read (pruned out). */
  requiredBy(m: ModuleVersion): readonly ModuleVersion[] | undefined;
  /** The version MVS selected for path ("none" when it is not in the graph). */
  selected(path: string): string;
}

/** Annotations are facts about module versions that the views show next to them. */
export interface Annotations {
  /** path@version or path → replacement ("path version" or a directory). */
  readonly replaced?: ReadonlyMap<string, string>;
  /** path@version keys excluded by the main module's go.mod. */
  readonly excluded?: ReadonlySet<string>;
  /** path@version → retraction rationale(s). */
  readonly retracted?: ReadonlyMap<string, readonly string[]>;
  /** path → deprecation message of the module's latest go.mod. */
  readonly deprecated?: ReadonlyMap<string, string>;
}

/** Node is one module version of the view. */
export interface Node {
  /** "path@version", or the path alone for a main module. */
  readonly id: string;
  readonly path: string;
  readonly version: string;
  readonly main: boolean;
  /** True when this version is the one MVS selected for its path. */
  readonly selected: boolean;
  /** Shortest requirement distance from a main module. */
  readonly depth: number;
  /** False when the node's own requirements were not loaded (graph pruning). */
  readonly expanded: boolean;
  readonly replacedBy?: string;
  readonly excluded?: boolean;
  readonly retracted?: readonly string[];
  readonly deprecated?: string;
}

/** Edge says that `from` requires `to` (both node ids). */
export interface Edge {
  readonly from: string;
  readonly to: string;
}

/** GraphView is the whole graph as the renderers draw it. */
export interface GraphView {
  readonly main: readonly string[];
  readonly nodes: readonly Node[];
  readonly edges: readonly Edge[];
}

/**
 * withoutToolchain returns g without the go and toolchain pseudo-modules that the go
 * command's module graph holds since Go 1.21 (go@1.21 requirements are not modules
 * anyone needs explained); everything else passes through.
 */
export function withoutToolchain(g: GraphSource): GraphSource {
  const isToolchain = (p: string) => p === 'go' || p === 'toolchain';
  return {
    roots: g.roots,
    requiredBy: (m) => g.requiredBy(m)?.filter((r) => !isToolchain(r.path)),
    selected: (p) => (isToolchain(p) ? 'none' : g.selected(p)),
  };
}

/** ReplaceDirective is what replacedAnnotation reads of a replace directive (modload's GoModReplace fits). */
export interface ReplaceDirective {
  readonly old: ModuleVersion;
  readonly new: ModuleVersion;
}

/**
 * replacedAnnotation returns Annotations.replaced for the main modules' replace
 * directives: "path@version" (or the path, for a path-wide replacement) → "path version"
 * (or the directory of a local replacement). A later directive for the same key wins.
 */
export function replacedAnnotation(
  mains: readonly { readonly file: { readonly replace: readonly ReplaceDirective[] } }[],
): Map<string, string> {
  const replaced = new Map<string, string>();
  for (const mm of mains) {
    for (const r of mm.file.replace) {
      replaced.set(
        r.old.version === '' ? r.old.path : `${r.old.path}@${r.old.version}`,
        r.new.version === '' ? r.new.path : `${r.new.path} ${r.new.version}`,
      );
    }
  }
  return replaced;
}

/** nodeId returns the view id of m ("path@version", or the path for a main module). */
export function nodeId(m: ModuleVersion): string {
  return m.version === '' ? m.path : `${m.path}@${m.version}`;
}

/**
 * buildView walks the graph breadth-first from its roots (as `go mod graph` does) and
 * returns every reachable module version with its depth and annotations, and every
 * edge in walk order.
 */
export function buildView(g: GraphSource, notes: Annotations = {}): GraphView {
  const depth = new Map<string, number>();
  const byId = new Map<string, ModuleVersion>();
  const queue: ModuleVersion[] = [];
  const edges: Edge[] = [];
  for (const r of g.roots) {
    if (depth.has(nodeId(r))) continue;
    depth.set(nodeId(r), 0);
    byId.set(nodeId(r), r);
    queue.push(r);
  }
  for (let i = 0; i < queue.length; i++) {
    const m = queue[i]!;
    const d = depth.get(nodeId(m))!;
    for (const r of g.requiredBy(m) ?? []) {
      if (r.version === 'none') continue;
      edges.push({ from: nodeId(m), to: nodeId(r) });
      if (!depth.has(nodeId(r))) {
        depth.set(nodeId(r), d + 1);
        byId.set(nodeId(r), r);
        queue.push(r);
      }
    }
  }
  const nodes: Node[] = queue.map((m) => {
    const id = nodeId(m);
    const k = `${m.path}@${m.version}`;
    const replacedBy = notes.replaced?.get(k) ?? notes.replaced?.get(m.path);
    const retracted = notes.retracted?.get(k);
    const deprecated = notes.deprecated?.get(m.path);
    return {
      id,
      path: m.path,
      version: m.version,
      main: m.version === '' && g.roots.some((r) => r.path === m.path),
      selected: g.selected(m.path) === m.version,
      depth: depth.get(id)!,
      expanded: g.requiredBy(m) !== undefined,
      ...(replacedBy !== undefined && m.version !== '' ? { replacedBy } : {}),
      ...(notes.excluded?.has(k) ? { excluded: true } : {}),
      ...(retracted ? { retracted } : {}),
      ...(deprecated ? { deprecated } : {}),
    };
  });
  return { main: g.roots.map(nodeId), nodes, edges };
}

/**
 * focusView keeps only the nodes and edges that lie on some requirement path from a
 * main module to a version of module `focus` (all of them, not only the shortest). A
 * focus that is not in the graph yields only the main modules.
 */
export function focusView(view: GraphView, focus: string): GraphView {
  const incoming = new Map<string, string[]>();
  for (const e of view.edges) {
    const l = incoming.get(e.to) ?? [];
    l.push(e.from);
    incoming.set(e.to, l);
  }
  const keep = new Set<string>();
  const stack = view.nodes.filter((n) => n.path === focus).map((n) => n.id);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (keep.has(id)) continue;
    keep.add(id);
    for (const from of incoming.get(id) ?? []) stack.push(from);
  }
  for (const m of view.main) keep.add(m);
  const focusIds = new Set(view.nodes.filter((n) => n.path === focus).map((n) => n.id));
  return {
    main: view.main,
    nodes: view.nodes.filter((n) => keep.has(n.id)),
    // An edge is on a path to the focus when both ends are kept and it does not leave the focus.
    edges: view.edges.filter((e) => keep.has(e.from) && keep.has(e.to) && !focusIds.has(e.from)),
  };
}

/** limitDepth keeps the nodes at most `depth` requirement steps from a main module. */
export function limitDepth(view: GraphView, depth: number): GraphView {
  const keep = new Set(view.nodes.filter((n) => n.depth <= depth).map((n) => n.id));
  return {
    main: view.main,
    nodes: view.nodes.filter((n) => keep.has(n.id)),
    edges: view.edges.filter((e) => keep.has(e.from) && keep.has(e.to)),
  };
}
