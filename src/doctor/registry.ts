/**
 * The check registry: every check of `modrescue doctor`, in report order (the order of
 * CHECK_IDS). docs/doctor.md's table is verified against this list by a test.
 */
import type { CheckDefinition } from './check.js';
import { credentials } from './checks/credentials.js';
import { diskSpace } from './checks/disk-space.js';
import { goEnv } from './checks/go-env.js';
import { goVersion } from './checks/go-version.js';
import { gomodSyntax } from './checks/gomod-syntax.js';
import { goproxyReachable } from './checks/goproxy-reachable.js';
import { gosumComplete } from './checks/gosum-complete.js';
import { gosumVerified } from './checks/gosum-verified.js';
import { modcacheIntegrity } from './checks/modcache-integrity.js';
import { privateModules } from './checks/private-modules.js';
import { retractedDeprecated } from './checks/retracted-deprecated.js';
import { sumdbReachable } from './checks/sumdb-reachable.js';
import { vendorConsistency } from './checks/vendor-consistency.js';
import { CHECK_IDS, type CheckId } from './types.js';

/** CHECKS lists every check definition, in report order. */
export const CHECKS: readonly CheckDefinition[] = [
  gomodSyntax,
  goEnv,
  goproxyReachable,
  sumdbReachable,
  privateModules,
  credentials,
  goVersion,
  gosumComplete,
  gosumVerified,
  modcacheIntegrity,
  retractedDeprecated,
  vendorConsistency,
  diskSpace,
].sort((a, b) => CHECK_IDS.indexOf(a.id) - CHECK_IDS.indexOf(b.id));

/** getCheck returns the definition of id (undefined for an unknown id). */
export function getCheck(id: CheckId | string): CheckDefinition | undefined {
  return CHECKS.find((c) => c.id === id);
}
