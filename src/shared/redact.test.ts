import { describe, expect, it } from 'vitest';
import { redact } from './redact.js';

describe('redact', () => {
  it.each([
    ['GOPROXY=https://user:s3cr3t@proxy.corp/mod', 'GOPROXY=https://user:***@proxy.corp/mod'],
    ['fetch https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/x', 'fetch https://***@github.com/x'],
    ['Authorization: Bearer abc.def.ghi', 'Authorization: Bearer ***'],
    ['authorization=token123456', 'authorization=***'],
    ['machine git.corp login bob password hunter22', 'machine git.corp login bob password ***'],
    ['token glpat-abcdefghijklmnop1234 leaked', 'token *** leaked'],
    ['nothing secret here: https://proxy.golang.org', 'nothing secret here: https://proxy.golang.org'],
  ])('%s', (input, want) => {
    expect(redact(input)).toBe(want);
  });
  it('redacts extra secrets given by value', () => {
    expect(redact('the token is tok-9876 ok', ['tok-9876'])).toBe('the token is *** ok');
  });
});
