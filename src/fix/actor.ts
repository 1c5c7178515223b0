/**
 * Who performs an action, for the journal: the CI job when running in CI (GitHub Actions,
 * GitLab CI, Jenkins, or any CI=true), else the git user of the project, else the login
 * user. Read from the process environment the CLI passes in, and `git config`.
 */
import type { Actor } from '../shared/journal.js';
import { runProcess } from '../doctor/util.js';

type Env = Readonly<Record<string, string | undefined>>;

/** ciActor returns the CI job as an actor, or undefined outside CI. */
export function ciActor(env: Env): Actor | undefined {
  const v = (k: string) => (env[k] ?? '').trim();
  if (v('GITHUB_ACTIONS') === 'true') {
    const run = v('GITHUB_RUN_ID');
    const server = v('GITHUB_SERVER_URL') || 'https://github.com';
    const repo = v('GITHUB_REPOSITORY');
    const url = repo && run ? `${server}/${repo}/actions/runs/${run}` : undefined;
    return {
      kind: 'ci',
      name: `github-actions: ${repo ? repo + ' ' : ''}job ${v('GITHUB_JOB') || '?'}${run ? ` (run ${run})` : ''}`,
      ci: {
        system: 'github-actions',
        ...(v('GITHUB_JOB') ? { job: v('GITHUB_JOB') } : {}),
        ...(run ? { run } : {}),
        ...(url ? { url } : {}),
        ...(v('GITHUB_ACTOR') ? { user: v('GITHUB_ACTOR') } : {}),
      },
    };
  }
  if (v('GITLAB_CI') === 'true') {
    const job = v('CI_JOB_ID');
    return {
      kind: 'ci',
      name: `gitlab-ci: ${v('CI_PROJECT_PATH') ? v('CI_PROJECT_PATH') + ' ' : ''}job ${v('CI_JOB_NAME') || job || '?'}${job ? ` (#${job})` : ''}`,
      ci: {
        system: 'gitlab-ci',
        ...(job ? { job } : {}),
        ...(v('CI_PIPELINE_ID') ? { run: v('CI_PIPELINE_ID') } : {}),
        ...(v('CI_JOB_URL') ? { url: v('CI_JOB_URL') } : {}),
        ...(v('GITLAB_USER_LOGIN') ? { user: v('GITLAB_USER_LOGIN') } : {}),
      },
    };
  }
  if (v('JENKINS_URL') !== '') {
    const tag = v('BUILD_TAG');
    return {
      kind: 'ci',
      name: `jenkins: ${tag || v('JOB_NAME') || '?'}`,
      ci: {
        system: 'jenkins',
        ...(v('JOB_NAME') ? { job: v('JOB_NAME') } : {}),
        ...(v('BUILD_NUMBER') ? { run: v('BUILD_NUMBER') } : {}),
        ...(v('BUILD_URL') ? { url: v('BUILD_URL') } : {}),
      },
    };
  }
  if (v('CI') === 'true' || v('CI') === '1') return { kind: 'ci', name: 'ci', ci: { system: 'ci' } };
  return undefined;
}

/** detectActor returns the actor of an action run in dir. It never throws. */
export async function detectActor(dir: string, env: Env, timeoutMs = 5_000): Promise<Actor> {
  const ci = ciActor(env);
  if (ci) return ci;
  const git = async (key: string) => {
    const r = await runProcess('git', ['config', '--get', key], { env, timeoutMs, cwd: dir });
    return r.code === 0 ? r.stdout.trim() : '';
  };
  const [name, email] = await Promise.all([git('user.name'), git('user.email')]);
  if (name !== '' || email !== '') {
    return { kind: 'git', name: email ? `${name || email} <${email}>` : name, ...(email ? { email } : {}) };
  }
  return { kind: 'user', name: env['USER'] || env['LOGNAME'] || 'unknown' };
}
