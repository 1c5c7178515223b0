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

/** nodeToWeb returns a ReadableStream over readable; read errors error the stream (never thrown elsewhere). */
export function nodeToWeb(readable: Readable): ReadableStream<Uint8Array> {
  const it = readable[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await it.next();
      if (done) controller.close();
      else controller.enqueue(typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(value));
    },
    async cancel() {
      // Destroying an undici body emits an AbortError: expected here, so it is absorbed.
      readable.on('error', () => {});
      await it.return?.().catch(() => {});
      if (!readable.destroyed) readable.destroy();
    },
  });
}
