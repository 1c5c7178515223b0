/**
 * The failing module's requirement paths, for the report's drawing: from a loaded module
 * graph (src/graph's whyModule: every shortest path from the main module), or, when the
 * graph cannot be loaded (the very failure being reported often prevents it), from the
 * main module's go.mod alone.
 */
import { whyModule, type GraphSource } from '../graph/index.js';
import * as semver from '../mod/semver/index.js';
import type { DependencyPath } from './incident.js';

/** MAX_REPORT_PATHS bounds the paths kept in an incident (the drawing stays readable). */
export const MAX_REPORT_PATHS = 8;

/**
 * dependencyPathFromGraph returns module's shortest requirement paths in g, or undefined
 * when module is not in the graph.
 */
export function dependencyPathFromGraph(g: GraphSource, module: string): DependencyPath | undefined {
  const r = whyModule(g, module, {}, semver.compare);
  if (r.paths.length === 0) return undefined;
  return {
    module,
    ...(r.selected && r.selected !== 'none' ? { version: r.selected } : {}),
    paths: r.paths.slice(0, MAX_REPORT_PATHS).map((p) => p.map((s) => ({ path: s.path, version: s.version }))),
    from: 'graph',
  };
}

/**
 * dependencyPathFromGoMod returns the one-step path main → module@version when go.mod
 * requires module directly, else the two-step path through the unknown intermediate
 * left out (main → module), marked as coming from go.mod.
 */
export function dependencyPathFromGoMod(
  main: string,
  requires: ReadonlyArray<{ path: string; version: string }>,
  module: string,
  version?: string,
): DependencyPath {
  const req = requires.find((r) => r.path === module);
  const v = req?.version ?? version ?? '';
  return {
    module,
    ...(v ? { version: v } : {}),
    paths: [
      [
        { path: main, version: '' },
        { path: module, version: v },
      ],
    ],
    from: 'go.mod',
  };
}
