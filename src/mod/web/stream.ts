/**
 * nodeToWeb adapts a Node Readable to a web ReadableStream, pull-based.
 *
 * Node 20's Readable.toWeb pushes every 'data' event into the web stream and throws
 * "Invalid state: Controller is already closed" (an uncaught exception) when data arrives
 * after the consumer cancelled — which a retry or a redirect does on purpose. Pulling
 * through the async iterator never enqueues after close, applies backpressure, and
 * cancelling destroys the source.
 */
import type { Readable } from 'node:stream';

/** NodeToWebOptions are nodeToWeb's hooks. */
export interface NodeToWebOptions {
  /** mapError turns a read error into the error the web stream reports (default: as is). */
  readonly mapError?: (e: unknown) => unknown;
  /** onSettled runs once when the stream has ended, failed or been cancelled. */
  readonly onSettled?: () => void;
}

/**
 * nodeToWeb returns a ReadableStream over readable; read errors error the stream (never
 * thrown elsewhere), after options.mapError.
 */
export function nodeToWeb(readable: Readable, options: NodeToWebOptions = {}): ReadableStream<Uint8Array> {
  const it = readable[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let settled = false;
  const settle = () => {
    if (settled) return;
    settled = true;
    options.onSettled?.();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let r: IteratorResult<Buffer | string>;
      try {
        r = await it.next();
      } catch (e) {
        settle();
        controller.error(options.mapError ? options.mapError(e) : e);
        return;
      }
      if (r.done) {
        settle();
        controller.close();
      } else {
        const value = r.value;
        controller.enqueue(typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(value));
      }
    },
    async cancel() {
      settle();
      // Destroying an undici body emits an AbortError: expected here, so it is absorbed.
      readable.on('error', () => {});
      await it.return?.().catch(() => {});
      if (!readable.destroyed) readable.destroy();
    },
  });
}
