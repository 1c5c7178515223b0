/**
 * Held-out logs: the go command's message families as other Go versions and CI systems
 * print them, none of them from the shared corpus. They check that the rules follow the
 * wording of cmd/go (and of runners and Kubernetes), not the corpus lines.
 */
import { describe, expect, it } from 'vitest';
import { triageText } from './index.js';
import type { Verdict } from './types.js';

const cases: Array<[string, string, Verdict]> = [
  [
    'Go 1.21 toolchain download behind a dead DNS',
    'go: downloading go1.21.5 (linux/amd64)\ngo: download go1.21.5: golang.org/toolchain@v0.0.1-go1.21.5.linux-amd64.zip: Get "https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go1.21.5.linux-amd64.zip": dial tcp: lookup proxy.golang.org: no such host',
    'proxy-unreachable',
  ],
  [
    'client timeout awaiting headers',
    'go: github.com/acme/lib@v1.0.0: Get "https://proxy.golang.org/github.com/acme/lib/@v/v1.0.0.mod": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
    'proxy-unreachable',
  ],
  [
    'an unusable HTTPS_PROXY',
    'go: github.com/acme/lib@v1.0.0: Get "https://proxy.golang.org/github.com/acme/lib/@v/v1.0.0.mod": proxyconnect tcp: dial tcp 10.0.0.1:3128: connect: connection refused',
    'proxy-unreachable',
  ],
  [
    'private proxy without credentials (403)',
    'go: module github.com/acme/x: reading https://goproxy.corp.example.com/github.com/acme/x/@v/list: 403 Forbidden',
    'private-auth',
  ],
  [
    'Go 1.16 private repository shown as unknown revision',
    'go: github.com/acme/private@v1.2.0: reading github.com/acme/private/go.mod at revision v1.2.0: unknown revision v1.2.0',
    'unknown-revision',
  ],
  [
    'GitLab password prompt',
    "go: gitlab.example.com/team/lib@v0.3.1: invalid version: git ls-remote -q origin in /root/go/pkg/mod/cache/vcs/ab12: exit status 128:\n\tfatal: could not read Password for 'https://oauth2@gitlab.example.com': terminal prompts disabled",
    'private-auth',
  ],
  [
    'checksum DB cannot resolve an internal host (Go 1.16+ wording)',
    'go: example.com/internal/tool@v0.3.0: verifying module: example.com/internal/tool@v0.3.0: reading https://sum.golang.org/lookup/example.com/internal/tool@v0.3.0: 404 Not Found\n\tserver response:\n\tnot found: example.com/internal/tool@v0.3.0: unrecognized import path "example.com/internal/tool": https fetch: Get "https://example.com/internal/tool?go-get=1": dial tcp: lookup example.com on 8.8.8.8:53: no such host',
    'sumdb-private',
  ],
  [
    'missing go.sum entry for a go.mod file (Go 1.16+)',
    'go: github.com/acme/lib@v1.2.3: missing go.sum entry for go.mod file; to add it:\n\tgo mod download github.com/acme/lib',
    'missing-gosum',
  ],
  [
    'Go 1.13 checksum mismatch wording',
    'verifying github.com/acme/lib@v1.0.0: checksum mismatch\n\tdownloaded: h1:aaaa\n\tgo.sum:     h1:bbbb',
    'checksum-mismatch',
  ],
  [
    'go.work requires a newer Go',
    'go: go.work requires go >= 1.22 (running go 1.21.6; GOTOOLCHAIN=local)',
    'go-version',
  ],
  [
    'release-candidate go line on an old Go',
    "go: errors parsing go.mod:\n/src/go.mod:3: invalid go version '1.21rc1': must match format 1.23",
    'go-version',
  ],
  [
    'type parameters with an old go line',
    './set.go:5:10: type parameters require go1.18 or later (-lang was set to go1.17; check go.mod)',
    'go-version',
  ],
  [
    'major version without /vN',
    'go: github.com/acme/lib@v2.1.0: invalid version: go.mod has post-v2 module path "github.com/acme/lib/v2" at revision v2.1.0',
    'unknown-revision',
  ],
  ['no tags at all', 'go: github.com/acme/lib@v9.9.9: no matching versions for query "v9.9.9"', 'unknown-revision'],
  [
    'Go 1.12 module path mismatch',
    'go: github.com/Sirupsen/logrus@v1.4.2: parsing go.mod: unexpected module path "github.com/sirupsen/logrus"',
    'module-path-mismatch',
  ],
  [
    '-mod=vendor missing package',
    'main.go:6:2: cannot find module providing package github.com/acme/lib: import lookup disabled by -mod=vendor',
    'vendor-inconsistent',
  ],
  [
    'Go 1.15 readonly import lookup',
    'main.go:6:2: cannot find module providing package github.com/acme/lib: import lookup disabled by -mod=readonly',
    'missing-gosum',
  ],
  [
    'a local module without replace',
    'main.go:5:2: package mylib/util is not in GOROOT (/usr/local/go/src/mylib/util)',
    'ambiguous-import/package-not-provided',
  ],
  [
    'go mod verify on a modified cache',
    'github.com/acme/lib v1.2.3: dir has been modified (/root/go/pkg/mod/github.com/acme/lib@v1.2.3)',
    'disk-or-cache',
  ],
  [
    'no HOME for the build cache',
    'build cache is required, but could not be located: GOCACHE is not defined and neither $XDG_CACHE_HOME nor $HOME are defined',
    'disk-or-cache',
  ],
  [
    'read-only module cache',
    'go: writing stat cache: open /go/pkg/mod/cache/download/github.com/acme/lib/@v/v1.0.0.info: read-only file system',
    'disk-or-cache',
  ],
  [
    'kubectl describe pod: OOMKilled',
    '    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137',
    'infra',
  ],
  [
    'kubectl describe pod: unschedulable',
    '  Warning  FailedScheduling  15s  default-scheduler  0/5 nodes are available: 5 Insufficient cpu.',
    'infra',
  ],
  ['GitLab system failure', 'ERROR: Job failed (system failure): pod "runner-abc123" status is "Failed"', 'infra'],
  [
    'Docker Hub rate limit',
    'Failed to pull image "golang:1.22": rpc error: code = Unknown desc = Error response from daemon: toomanyrequests: You have reached your pull rate limit.',
    'infra',
  ],
  ['Go compiler killed by the OOM killer', '# github.com/acme/svc/internal/gen\ncompile: signal: killed', 'infra'],
  [
    'a type error in the project',
    '# github.com/acme/svc\n./handler.go:33:9: cannot use x (variable of type int) as string value in return statement',
    'code',
  ],
  ['a test timeout', 'panic: test timed out after 10m0s\nrunning tests:\n\tTestSlow (10m0s)', 'code'],
  ['a data race', '==================\nWARNING: DATA RACE\nWrite at 0x00c000124018 by goroutine 8:', 'code'],
  [
    'a retracted version requested explicitly',
    'go: github.com/acme/lib@v1.0.1: retracted by module author: published accidentally',
    'retracted-or-deprecated',
  ],
  [
    'go get outside a module (Go 1.22)',
    "go: 'go get' is no longer supported outside a module.\n\tTo build and install a command, use 'go install' with a version,",
    'retracted-or-deprecated',
  ],
  ['nothing wrong', 'ok  \tgithub.com/acme/svc\t0.412s\nPASS', 'unknown'],
];

describe('held-out logs (message families across Go versions and CI systems)', () => {
  it.each(cases)('%s', (_name, log, want) => {
    expect(triageText(log).category).toBe(want);
  });

  it('does not call a deprecation warning the cause when a real error is there', () => {
    const r = triageText(
      'go: module github.com/golang/protobuf is deprecated: Use the "google.golang.org/protobuf" module instead.\n--- FAIL: TestHandler (0.01s)\n    handler_test.go:40: got 500, want 200\nFAIL\tgithub.com/acme/svc\t0.044s',
    );
    expect(r.category).toBe('code');
    expect(r.secondary.map((s) => s.category)).toEqual(['retracted-or-deprecated']);
  });
});
