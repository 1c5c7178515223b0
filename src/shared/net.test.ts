import { connect, createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closedPort } from './net.js';

const connectError = (port: number) =>
  new Promise<string>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });

describe('closedPort', () => {
  it('returns a loopback port that refuses connections, and that a new server on port 0 never gets', async () => {
    const port = await closedPort();
    expect(await connectError(port)).toBe('ECONNREFUSED');
    // Servers started afterwards (as parallel tests do) are given other ports.
    const servers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const s = createServer();
        await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
        return s;
      }),
    );
    try {
      expect(servers.map((s) => (s.address() as AddressInfo).port)).not.toContain(port);
      expect(await connectError(port)).toBe('ECONNREFUSED');
    } finally {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    }
  });
});
