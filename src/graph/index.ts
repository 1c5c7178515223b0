/**
 * The people views of dependency tracing: `modrescue why` (every shortest requirement
 * path to a module and the requirement that decided its selected version) and
 * `modrescue graph` (text, dot, mermaid, json and a self-contained HTML page).
 * Built over a loaded module graph (src/mod/modload or any mvs.Graph).
 */
export {
  buildView,
  focusView,
  limitDepth,
  nodeId,
  replacedAnnotation,
  withoutToolchain,
  type Annotations,
  type Edge,
  type GraphSource,
  type GraphView,
  type Node,
  type ReplaceDirective,
} from './model.js';
export { whyModule, formatWhyModule, MAX_PATHS, type WhyModuleResult, type WhyStep, type Decider } from './why.js';
export { renderText, renderDot, renderMermaid, viewDocument, FORMATS, type Format } from './render.js';
export { renderHtml, layout, type Position } from './html.js';
