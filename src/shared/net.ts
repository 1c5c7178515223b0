/** Loopback networking helpers shared by the example incidents and their tests. */
import { connect, createServer, type AddressInfo } from 'node:net';

/**
 * Privileged loopback ports tried first for a port that refuses connections: the kernel
 * never hands them out as ephemeral ports, so no server started later (by this process or
 * a test running beside it) can take one over, as it can a released ephemeral port.
 */
const REFUSING_PORTS = [1, 3, 5, 7, 9];

/** refuses reports whether a TCP connection to 127.0.0.1:port is refused. */
function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(false));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED'));
  });
}

/**
 * closedPort returns a loopback port nothing listens on: the first of REFUSING_PORTS that
 * refuses a connection, else an ephemeral port bound and released (which a later server
 * may reuse).
 */
export async function closedPort(): Promise<number> {
  for (const p of REFUSING_PORTS) if (await refuses(p)) return p;
  const s = createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
