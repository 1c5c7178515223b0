/**
 * A private git server for tests: git's own smart-HTTP CGI (`git http-backend`) behind a
 * node:http server on 127.0.0.1 that demands HTTP Basic credentials, serving bare
 * repositories created with the real git command in a temp dir. This is the protocol
 * `git ls-remote https://…` and the go command's direct fetches speak to GitHub, GitLab
 * or a company's git host.
 *
 *   const git = await startGitServer({ repos: { 'corp/private': { 'go.mod': 'module …' } }, auth: { user, password } });
 *   git.url            // http://127.0.0.1:PORT/  (repos at <url>corp/private.git)
 *   git.requests       // every request: method, path, whether it carried valid credentials
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface GitServerOptions {
  /** Repository name (e.g. `corp/private`) → files of its single commit (tagged v1.0.0). */
  readonly repos: Record<string, Record<string, string>>;
  /** Require these Basic credentials (401 with WWW-Authenticate otherwise). */
  readonly auth?: { readonly user: string; readonly password: string };
}

export interface GitServer {
  /** Base URL with a trailing slash. */
  readonly url: string;
  readonly requests: Array<{ method: string; path: string; authorized: boolean }>;
  close(): Promise<void>;
}

function git(args: string[], cwd: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env, timeout: 60_000 }, (err, _out, stderr) => {
      if (!err) return resolve();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(
          new Error('git is not installed: run `apt-get install -y git` (test/support/doctor-git-server.ts needs it)'),
        );
      }
      reject(new Error(`git ${args.join(' ')}: ${stderr}`));
    });
  });
}

/** startGitServer creates the repositories and starts the server. */
export async function startGitServer(options: GitServerOptions): Promise<GitServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-git-'));
  const root = path.join(dir, 'repos');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
  };
  for (const [name, files] of Object.entries(options.repos)) {
    const work = path.join(dir, 'work', name);
    await mkdir(work, { recursive: true });
    for (const [f, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(work, f)), { recursive: true });
      await writeFile(path.join(work, f), content);
    }
    await git(['init', '-q', '-b', 'main'], work, env);
    await git(['add', '-A'], work, env);
    await git(['commit', '-q', '-m', 'initial'], work, env);
    await git(['tag', 'v1.0.0'], work, env);
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await git(['clone', '-q', '--bare', work, path.join(root, `${name}.git`)], dir, env);
  }

  const requests: GitServer['requests'] = [];
  const want = options.auth
    ? 'Basic ' + Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')
    : undefined;
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const authorized = want === undefined || req.headers.authorization === want;
    requests.push({ method: req.method ?? 'GET', path: u.pathname, authorized });
    if (!authorized) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test git"', 'content-type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    // git http-backend is a CGI program: request line and headers in the environment,
    // the body on stdin, `Status:` and headers then the body on stdout.
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...env,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(u.pathname),
        QUERY_STRING: u.search.replace(/^\?/, ''),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_USER: options.auth?.user ?? '',
        REMOTE_ADDR: '127.0.0.1',
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
        else headers[k] = v;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    cgi.stdout.on('end', () => res.end());
    cgi.on('error', () => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
