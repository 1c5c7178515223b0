/** Positions in parsed YAML documents, for messages that say file:line:col. */
import { isMap, isNode, type Document } from 'yaml';

/**
 * yamlOffset returns the source offset of the node at path in doc, or of its deepest
 * ancestor that exists (the document start when none does). With key, it points at that
 * key inside the map at path (an unknown setting), when the map has it.
 */
export function yamlOffset(doc: Document, path: readonly PropertyKey[], key?: string): number {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true);
    if (!isNode(node) || !node.range) continue;
    if (key !== undefined && n === path.length && isMap(node)) {
      const pair = node.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key);
      const at = isNode(pair?.key) ? pair.key.range?.[0] : undefined;
      if (at !== undefined) return at;
    }
    return node.range[0];
  }
  return 0;
}
