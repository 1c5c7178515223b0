/**
 * Realistic CI log noise for tests and benchmarks: deterministic (seeded) lines of the
 * kind a Go CI job prints when nothing is wrong — module downloads, compiler invocations,
 * passing tests, Docker and npm steps, GitHub Actions timestamps and groups.
 */

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const OWNERS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'cyberdyne'];
const REPOS = ['svc', 'api', 'worker', 'gateway', 'billing', 'auth', 'search', 'ingest'];
const PKGS = ['internal/store', 'internal/http', 'pkg/cache', 'pkg/retry', 'cmd/server', 'internal/queue', 'pkg/metrics'];
const DEPS = [
  'github.com/stretchr/testify v1.9.0',
  'golang.org/x/sync v0.7.0',
  'google.golang.org/grpc v1.64.0',
  'github.com/prometheus/client_golang v1.19.1',
  'go.uber.org/zap v1.27.0',
  'github.com/spf13/cobra v1.8.1',
  'golang.org/x/net v0.26.0',
  'github.com/google/uuid v1.6.0',
];

/** noiseLine returns the i-th noise line of the stream seeded by seed (no rule matches it). */
export function createNoise(seed = 1, timestamps = true): (i: number) => string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const start = Date.UTC(2025, 2, 14, 9, 30, 0);
  return (i: number) => {
    const owner = pick(OWNERS);
    const repo = pick(REPOS);
    const pkg = pick(PKGS);
    const kind = Math.floor(r() * 14);
    let line: string;
    switch (kind) {
      case 0:
        line = `go: downloading ${pick(DEPS)}`;
        break;
      case 1:
        line = `=== RUN   Test${pick(['Store', 'Handler', 'Retry', 'Queue', 'Cache'])}${Math.floor(r() * 100)}`;
        break;
      case 2:
        line = `--- PASS: Test${pick(['Store', 'Handler', 'Retry'])}${Math.floor(r() * 100)} (0.0${Math.floor(r() * 9)}s)`;
        break;
      case 3:
        line = `ok  \tgithub.com/${owner}/${repo}/${pkg}\t${(r() * 3).toFixed(3)}s\tcoverage: ${(r() * 100).toFixed(1)}% of statements`;
        break;
      case 4:
        line = `#${Math.floor(r() * 20)} [${Math.floor(r() * 6) + 1}/6] RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates git`;
        break;
      case 5:
        line = `added ${Math.floor(r() * 900)} packages, and audited ${Math.floor(r() * 1200)} packages in ${Math.floor(r() * 40)}s`;
        break;
      case 6:
        line = `github.com/${owner}/${repo}/${pkg}`;
        break;
      case 7:
        line = `##[group]Run go build -trimpath -ldflags "-s -w" -o bin/${repo} ./cmd/${repo}`;
        break;
      case 8:
        line = '##[endgroup]';
        break;
      case 9:
        line = `  ${pick(['GOFLAGS', 'GOPROXY', 'GONOSUMCHECK', 'CGO_ENABLED'])}: ${pick(['-mod=readonly', 'https://proxy.golang.org,direct', '1', '0'])}`;
        break;
      case 10:
        line = `    ${repo}_test.go:${Math.floor(r() * 400)}: request ${Math.floor(r() * 1e6)} served in ${Math.floor(r() * 900)}µs`;
        break;
      case 11:
        line = `\x1b[36mINFO\x1b[0m[${String(Math.floor(r() * 9999)).padStart(4, '0')}] listening on 127.0.0.1:${8000 + Math.floor(r() * 1000)} pid=${Math.floor(r() * 65535)}`;
        break;
      case 12:
        line = `Receiving objects: ${Math.floor(r() * 100)}% (${Math.floor(r() * 5000)}/5000), ${(r() * 40).toFixed(2)} MiB | ${(r() * 20).toFixed(2)} MiB/s`;
        break;
      default:
        line = `PASS`;
    }
    if (!timestamps) return line;
    return new Date(start + i * 7).toISOString().replace('Z', '0000Z') + ' ' + line;
  };
}
