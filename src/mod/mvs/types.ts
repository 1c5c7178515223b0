/**
 * The data types of package mvs. ModuleVersion is structurally identical to
 * module.ModuleVersion (x/mod's module.Version): a module path and a version, where
 * the version is "" for a main module and "none" for "not required at all".
 */

/** ModuleVersion is a module path and version (x/mod's module.Version). */
export interface ModuleVersion {
  readonly path: string;
  readonly version: string;
}

/**
 * Reqs is the requirement graph MVS walks (cmd/go's mvs.Reqs).
 *
 * required returns the module versions m requires (its go.mod's require list after
 * replacements and exclusions), and rejects when they cannot be read; max returns the
 * larger of two versions of path (for main modules "" is the largest, "none" the smallest).
 */
export interface Reqs {
  required(m: ModuleVersion): Promise<readonly ModuleVersion[]>;
  max(path: string, v1: string, v2: string): string;
}

/** UpgradeReqs adds upgrade: the version m should be upgraded to (m itself for none). */
export interface UpgradeReqs extends Reqs {
  upgrade(m: ModuleVersion): Promise<ModuleVersion>;
}

/** DowngradeReqs adds previous: the next lower allowed version of m ("none" when there is none). */
export interface DowngradeReqs extends Reqs {
  previous(m: ModuleVersion): Promise<ModuleVersion>;
}
