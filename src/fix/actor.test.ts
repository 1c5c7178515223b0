import { describe, expect, it } from 'vitest';
import { ciActor } from './actor.js';

describe('ciActor', () => {
  it.each([
    [
      'GitHub Actions',
      {
        GITHUB_ACTIONS: 'true',
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_JOB: 'build',
        GITHUB_RUN_ID: '42',
        GITHUB_ACTOR: 'alice',
      },
      {
        kind: 'ci',
        name: 'github-actions: acme/shop job build (run 42)',
        ci: {
          system: 'github-actions',
          job: 'build',
          run: '42',
          url: 'https://github.com/acme/shop/actions/runs/42',
          user: 'alice',
        },
      },
    ],
    [
      'GitLab CI',
      {
        GITLAB_CI: 'true',
        CI_JOB_ID: '7',
        CI_JOB_NAME: 'test',
        CI_PROJECT_PATH: 'acme/shop',
        GITLAB_USER_LOGIN: 'bob',
      },
      { kind: 'ci', name: 'gitlab-ci: acme/shop job test (#7)', ci: { system: 'gitlab-ci', job: '7', user: 'bob' } },
    ],
    [
      'Jenkins',
      { JENKINS_URL: 'https://ci.example/', BUILD_TAG: 'jenkins-shop-12', JOB_NAME: 'shop', BUILD_NUMBER: '12' },
      { kind: 'ci', name: 'jenkins: jenkins-shop-12', ci: { system: 'jenkins', job: 'shop', run: '12' } },
    ],
    ['another CI', { CI: 'true' }, { kind: 'ci', name: 'ci', ci: { system: 'ci' } }],
  ])('%s', (_name, env, want) => {
    expect(ciActor(env)).toEqual(want);
  });
  it('is undefined outside CI', () => {
    expect(ciActor({ USER: 'carol' })).toBeUndefined();
  });
});
