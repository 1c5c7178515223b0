/**
 * Package mvs implements minimal version selection (MVS), the algorithm the go
 * command uses to decide which version of every module a build uses.
 *
 * The input is a requirement graph (Reqs): each module version lists the module
 * versions its go.mod requires. The build list is the main module plus, for every
 * module path reachable from it, the maximum version required anywhere in the graph
 * (https://go.dev/ref/mod#minimal-version-selection, https://research.swtch.com/vgo-mvs).
 *
 * Invariants:
 *  - The main module's version is "" and compares above every other version, so a
 *    dependency requiring the main module never changes the selection.
 *  - "none" means "not required"; it is never loaded and never listed.
 *  - Results never depend on the order in which requirement lists are read (reads
 *    run concurrently, bounded); edge order within a module is its go.mod order.
 *  - Failures to read a requirement list reject with a BuildListError whose chain is a
 *    shortest requirement path from a target (cmd/go's message format).
 *
 * The go command's graph pruning (go >= 1.17 main modules), replacements and
 * exclusions are applied by the caller's Reqs and loader (src/mod/modload); this
 * package is the pure algorithm plus the incremental Graph that the loader fills.
 */
export type { ModuleVersion, Reqs, UpgradeReqs, DowngradeReqs } from './types.js';
export { Graph, key, compareModuleVersions, type CompareVersions } from './req-graph.js';
export { BuildListError, newBuildListError, versionString, type BuildListErrorElem } from './errors.js';
export { buildList, req, upgradeAll, upgrade, downgrade, drain } from './mvs.js';
