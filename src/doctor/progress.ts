/**
 * The progress view of a doctor run. On a terminal it is a live block — one line per
 * check, a spinner and the current step while it runs, its verdict when done — redrawn in
 * place and erased when the run ends, so the report prints clean. Elsewhere (CI logs,
 * pipes) it prints one plain line per finished check. Colour follows the Colors given
 * (NO_COLOR is the caller's decision).
 */
import type { Writer } from '../shared/io.js';
import type { CheckId, CheckResult, ProgressEvent } from './types.js';
import { progressLine, statusLabel, type Colors } from './render.js';

/** ProgressView consumes ProgressEvents (pass onProgress to runDoctor) and is stopped after the run. */
export interface ProgressView {
  readonly onProgress: (e: ProgressEvent) => void;
  /** stop ends the live view (erasing it) or does nothing for plain output. */
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** createProgressView returns the live view when tty, else plain lines; ids are the checks that will run. */
export function createProgressView(options: {
  stream: Writer;
  tty: boolean;
  colors: Colors;
  ids: readonly CheckId[];
}): ProgressView {
  const { stream, colors: c, ids } = options;
  if (!options.tty) {
    let done = 0;
    return {
      onProgress: (e) => {
        if (e.type !== 'done') return;
        done++;
        stream.write(progressLine(e.result, done, ids.length, c) + '\n');
      },
      stop: () => undefined,
    };
  }
  const state = new Map<CheckId, { step?: string; result?: CheckResult }>();
  for (const id of ids) state.set(id, {});
  const width = Math.max(...ids.map((id) => id.length), 8);
  let drawn = 0;
  let frame = 0;
  const columns = () => Math.max(40, (stream as { columns?: number }).columns ?? 80);
  /** cut shortens the free text of a line so that the line never wraps (wrapping breaks the redraw). */
  const cut = (text: string) => {
    const room = columns() - (4 + 1 + width + 1) - 1;
    const oneLine = text.split('\n')[0]!;
    return oneLine.length > room ? oneLine.slice(0, Math.max(0, room - 1)) + '…' : oneLine;
  };
  const draw = () => {
    frame = (frame + 1) % FRAMES.length;
    let out = drawn > 0 ? `\x1b[${drawn}A` : '';
    for (const id of ids) {
      const st = state.get(id)!;
      const text = st.result
        ? `${statusLabel(st.result.status, c)} ${id.padEnd(width)} ${cut(st.result.summary)}`
        : `${c.cyan(FRAMES[frame]!)}    ${id.padEnd(width)} ${c.dim(cut(st.step ?? 'waiting'))}`;
      out += `\x1b[2K${text}\n`;
    }
    drawn = ids.length;
    stream.write(out);
  };
  const timer = setInterval(draw, 80);
  timer.unref?.();
  draw();
  return {
    onProgress: (e) => {
      if (e.type === 'step') state.get(e.id)!.step = e.step;
      if (e.type === 'done') state.get(e.result.id)!.result = e.result;
    },
    stop: () => {
      clearInterval(timer);
      if (drawn > 0) stream.write(`\x1b[${drawn}A` + '\x1b[2K\n'.repeat(drawn) + `\x1b[${drawn}A`);
      drawn = 0;
    },
  };
}
