/**
 * StreamResponse: the web Response the HTTP client (and file:// answers) resolve with,
 * built lazily over a Node stream.
 *
 * A web Response with a body costs a ReadableStream adapter, a Headers object and a
 * web-stream read per chunk — more CPU than the request itself on a loopback proxy.
 * A StreamResponse is a real Response (instanceof, status, ok, statusText) whose
 * headers, body stream and body readers are its own: the Headers object and the web
 * stream are made only when someone asks for them; text(), json(), arrayBuffer(),
 * bytes() and blob() read the Node stream directly. Protocol clients of this package's
 * callers (goproxy, sumdb) read any Response through responseHeader and
 * responseChunks, which take the Node stream when there is one and the web body
 * otherwise, so a FetchLike other than the client (a test handler, a wrapper) works
 * the same.
 *
 * Invariants: a body is read once (a second reader gets the TypeError undici gives);
 * read failures pass through the creator's mapError (the client's Go-worded
 * HttpError) whichever way the body is read; onSettled runs exactly once, when the
 * body ended, failed or was cancelled, or at once when there is none.
 */
import { finished, type Readable } from 'node:stream';
import { nodeToWeb, type NodeToWebOptions } from './stream.js';

/** RawHeaders are response headers as undici parses them: lower-case names, repeated ones as arrays. */
export type RawHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** BodyHooks are StreamResponse's hooks (the same as nodeToWeb's). */
export type BodyHooks = NodeToWebOptions;

const NO_HOOKS: BodyHooks = {};
const EMPTY = Buffer.alloc(0);
const utf8 = new TextDecoder();

/** unusable is the error of a second read of a body, worded as undici's. */
function unusable(): TypeError {
  return new TypeError('Body is unusable: Body has already been read');
}

/**
 * ResponseBase is the Response constructor as a plain base class: the DOM typings
 * declare Response's members as properties, which a subclass cannot override with
 * accessors in TypeScript (at run time they are accessors and methods on the
 * prototype, and overriding them is ordinary).
 */
const ResponseBase = Response as unknown as new (body: null, init: ResponseInit) => object;

/**
 * streamResponse returns a Response (a StreamResponse) over status, statusText, raw
 * headers and a Node body (null for none; the response then settles at once). The
 * body is not touched until it is read, cancelled or asked for. Like the Response
 * constructor, it throws a RangeError for a status outside 200–599.
 */
export function streamResponse(
  status: number,
  statusText: string,
  raw: RawHeaders,
  body: Readable | null,
  hooks: BodyHooks = NO_HOOKS,
): Response {
  return new StreamResponse(status, statusText, raw, body, hooks) as unknown as Response;
}

/**
 * StreamResponse is the class behind streamResponse: at run time a Response subclass
 * (instanceof Response holds) whose headers, body and body readers are lazy.
 */
export class StreamResponse extends ResponseBase {
  readonly #raw: RawHeaders;
  readonly #hooks: BodyHooks;
  #node: Readable | null;
  #headers: Headers | undefined;
  #web: ReadableStream<Uint8Array> | null | undefined;
  #used = false;
  #settled = false;

  constructor(status: number, statusText: string, raw: RawHeaders, body: Readable | null, hooks: BodyHooks = NO_HOOKS) {
    super(null, { status, statusText });
    this.#raw = raw;
    this.#node = body;
    this.#hooks = hooks;
    if (body === null) this.#settle();
  }

  /** header returns the value of a header (name in lower case) without building Headers. */
  header(name: string): string | null {
    const v = this.#raw[name];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(', ') : v;
  }

  get headers(): Headers {
    if (!this.#headers) {
      const h = new Headers();
      for (const [k, v] of Object.entries(this.#raw)) {
        if (v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
      }
      this.#headers = h;
    }
    return this.#headers;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#web === undefined) {
      if (this.#node === null || this.#used) {
        this.#web = null;
      } else {
        this.#web = nodeToWeb(this.#node, {
          mapError: (e) => this.#mapError(e),
          onSettled: () => this.#settle(),
        });
        this.#node = null;
      }
    }
    return this.#web;
  }

  get bodyUsed(): boolean {
    return this.#used || (this.#web?.locked ?? false);
  }

  /**
   * chunks returns the body as an async iterable of chunks, read errors mapped, or null
   * when there is none; it marks the body used. After the web body was taken, it
   * iterates that.
   */
  chunks(): AsyncIterable<Uint8Array> | null {
    if (this.#web !== undefined) {
      const web = this.#web;
      if (web === null) return null;
      if (web.locked) throw unusable();
      return web as unknown as AsyncIterable<Uint8Array>;
    }
    if (this.#used) throw unusable();
    this.#used = true;
    const node = this.#node;
    if (node === null) return null;
    return this.#iterate(node);
  }

  async *#iterate(node: Readable): AsyncGenerator<Uint8Array> {
    let done = false;
    try {
      for await (const chunk of node) yield chunk as Uint8Array;
      done = true;
    } catch (e) {
      throw this.#mapError(e);
    } finally {
      if (!done && !node.destroyed) {
        // The consumer stopped early (a size limit, an error): release the connection.
        node.on('error', () => {});
        node.destroy();
      }
      this.#settle();
    }
  }

  /** cancelBody discards the body without reading it (the connection is released). */
  async cancelBody(): Promise<void> {
    if (this.#web !== undefined) {
      await this.#web?.cancel().catch(() => {});
      return;
    }
    this.#used = true;
    const node = this.#node;
    this.#node = null;
    if (node && !node.destroyed) {
      // Destroying an undici body emits an AbortError: expected here, so it is absorbed.
      node.on('error', () => {});
      node.destroy();
    }
    this.#settle();
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = await this.#readAll();
    // A fresh ArrayBuffer of exactly the body (Buffer.concat may use the shared pool).
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  async text(): Promise<string> {
    return utf8.decode(await this.#readAll());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async blob(): Promise<Blob> {
    const type = this.header('content-type') ?? '';
    return new Blob([await this.arrayBuffer()], type !== '' ? { type } : {});
  }

  async formData(): Promise<FormData> {
    return new Response(await this.arrayBuffer(), { headers: this.headers }).formData();
  }

  clone(): Response {
    if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
    const self = this as unknown as Response;
    const init = { status: self.status, statusText: self.statusText, headers: this.headers };
    const web = this.body;
    if (web === null) return new Response(null, init);
    const [mine, theirs] = web.tee();
    this.#web = mine;
    return new Response(theirs, init);
  }

  /** #readAll reads the whole body (once), through the web body when that was taken. */
  async #readAll(): Promise<Buffer> {
    if (this.#web !== undefined) {
      if (this.#web === null) {
        if (this.#used) throw unusable();
        this.#used = true;
        return EMPTY;
      }
      if (this.#web.locked) throw unusable();
      this.#used = true;
      const parts: Uint8Array[] = [];
      for await (const chunk of this.#web as unknown as AsyncIterable<Uint8Array>) parts.push(chunk);
      return Buffer.concat(parts);
    }
    if (this.#used) throw unusable();
    this.#used = true;
    const node = this.#node;
    this.#node = null;
    if (node === null) return EMPTY;
    try {
      return await collect(node);
    } catch (e) {
      throw this.#mapError(e);
    } finally {
      this.#settle();
    }
  }

  #mapError(e: unknown): unknown {
    return this.#hooks.mapError ? this.#hooks.mapError(e) : e;
  }

  #settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#hooks.onSettled?.();
  }
}

/** collect reads a Node stream to its end into one Buffer (rejecting with its error, or a premature close). */
function collect(node: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    node.on('data', (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      parts.push(b);
      size += b.length;
    });
    finished(node, (err) => {
      if (err) reject(err);
      else resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size));
    });
  });
}

/**
 * responseHeader returns a header of any Response: from a StreamResponse's raw headers
 * (no Headers object is built), else through res.headers. name must be lower case.
 */
export function responseHeader(res: Response, name: string): string | null {
  return res instanceof StreamResponse ? res.header(name) : res.headers.get(name);
}

/**
 * responseChunks returns the body of any Response as an async iterable of chunks (null
 * when there is none): a StreamResponse's Node stream directly, else the web body.
 * Read errors are those the Response's own readers would report. Stopping the
 * iteration early (break, throw) releases the body.
 */
export function responseChunks(res: Response): AsyncIterable<Uint8Array> | null {
  if (res instanceof StreamResponse) return res.chunks();
  return res.body as unknown as AsyncIterable<Uint8Array> | null;
}

/** discardBody cancels the body of any Response, ignoring failures. */
export async function discardBody(res: Response): Promise<void> {
  if (res instanceof StreamResponse) await res.cancelBody();
  else await res.body?.cancel().catch(() => {});
}
