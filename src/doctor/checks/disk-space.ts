/**
 * disk-space: the file systems of GOMODCACHE, GOCACHE and the temporary directory have
 * room (bytes and inodes) for downloads, extraction and builds.
 *
 * Detects: free space or free inodes below the thresholds (default: fail under 256 MiB
 * or 10 000 inodes, warn under 2 GiB or 100 000 inodes) on any of the three, measured with
 * statfs on the directory or its nearest existing parent.
 *
 * Example: `go: github.com/aws/aws-sdk-go@v1.44.0: write /root/go/pkg/mod/cache/download/github.com/aws/aws-sdk-go/@v/v1.44.0.zip: no space left on device`
 *
 * Fix: `go clean -cache` (the build cache regenerates), then `go clean -modcache` if the
 * module cache itself is the problem, or point GOMODCACHE/GOCACHE/TMPDIR at a larger disk.
 */
import { stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { Findings, fixCommand, skipped, type CheckContext, type CheckDefinition, type CheckOutcome } from '../check.js';
import { errorMessage, formatBytes } from '../util.js';

/** existingAncestor returns p or its nearest existing parent directory. */
async function existingAncestor(p: string): Promise<string | undefined> {
  let d = path.resolve(p);
  for (;;) {
    const st = await stat(d).catch(() => undefined);
    if (st?.isDirectory()) return d;
    const parent = path.dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const s = ctx.session;
  const t = s.diskThresholds;
  const f = new Findings();
  const targets: Array<[string, string]> = [
    ['GOMODCACHE', s.v('GOMODCACHE')],
    ['GOCACHE', s.options.goCache ?? ''],
    ['TMPDIR', s.options.tmpDir ?? '/tmp'],
  ];
  const seen = new Map<string, string>();
  const parts: string[] = [];
  for (const [name, dir] of targets) {
    if (dir === '' || !path.isAbsolute(dir)) {
      f.info(`${name} is ${dir === '' ? 'not set' : `relative (${dir})`}: not measured`);
      continue;
    }
    ctx.step(`measuring ${name} (${dir})`);
    const at = await existingAncestor(dir);
    if (!at) {
      f.info(`${name}=${dir}: no existing parent directory`);
      continue;
    }
    let fs;
    let dev: string;
    try {
      fs = await statfs(at);
      dev = String((await stat(at)).dev);
    } catch (e) {
      f.warn(`${name}=${dir}: cannot measure free space: ${errorMessage(e)}`);
      continue;
    }
    const same = seen.get(dev);
    if (same) {
      parts.push(`${name} on the same file system as ${same}`);
      continue;
    }
    seen.set(dev, name);
    const free = Number(fs.bavail) * Number(fs.bsize);
    const inodes = Number(fs.ffree);
    // Some file systems (btrfs, overlay on it) report no inode limit at all.
    const inodesKnown = Number(fs.files) > 0;
    f.evidence({ variable: name, dir, measured: at, freeBytes: free, freeInodes: inodesKnown ? inodes : null });
    const where = `${name} (${dir}${at !== dir ? `, measured at ${at}` : ''})`;
    const fix = fixCommand(
      'go clean -cache',
      'frees the build cache (it regenerates); use go clean -modcache if the module cache is what fills the disk, or move GOMODCACHE/GOCACHE/TMPDIR to a larger disk',
    );
    if (free < t.failBytes) {
      f.fail(
        `${where}: only ${formatBytes(free)} free: downloads and extraction fail with "no space left on device"`,
        fix,
      );
    } else if (free < t.warnBytes) {
      f.warn(`${where}: ${formatBytes(free)} free, below ${formatBytes(t.warnBytes)}`, fix);
    }
    if (inodesKnown && inodes < t.failInodes) {
      f.fail(`${where}: only ${inodes} free inodes: extracting modules (many small files) fails`, fix);
    } else if (inodesKnown && inodes < t.warnInodes) {
      f.warn(`${where}: ${inodes} free inodes, below ${t.warnInodes}`, fix);
    }
    parts.push(`${name} ${formatBytes(free)} free${inodesKnown ? `, ${inodes} inodes` : ''}`);
  }
  if (parts.length === 0 && f.count('fail') + f.count('warn') === 0) return skipped('nothing to measure', []);
  return f.outcome(parts.join('; '));
}

/** diskSpace is the `disk-space` check (see the file comment; registered in registry.ts). */
export const diskSpace: CheckDefinition = {
  id: 'disk-space',
  title: 'free space for caches and temporary files',
  network: false,
  doc: {
    detects:
      'Too little free space or too few free inodes on the file systems of GOMODCACHE, GOCACHE and TMPDIR (fail below 256 MiB / 10 000 inodes, warn below 2 GiB / 100 000 inodes).',
    example:
      'go: github.com/aws/aws-sdk-go@v1.44.0: write /root/go/pkg/mod/cache/download/github.com/aws/aws-sdk-go/@v/v1.44.0.zip: no space left on device',
    fix: '`go clean -cache` (then `go clean -modcache` if needed), or move GOMODCACHE/GOCACHE/TMPDIR to a larger disk.',
  },
  run,
};
