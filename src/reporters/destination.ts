// Where memprof's text goes: the marker's `stream` option, else the file named by MEMPROF_OUTPUT
// (appended to, one write per table so that tables from several processes never interleave), else
// stdout. memprof's notices ("further calls are summed") go where the tables go, so that a program
// whose tables are sent elsewhere sees nothing of memprof on its own stdout and stderr; with tables on
// stdout, notices go to stderr. Everything is written with functions captured before the program
// could mock them (see shared/primordials.ts).
import type { TextSink } from '../runtime/options';
import { environment, primordials } from '../shared/primordials';

const { BufferFrom, fsOpenSync, fsWriteBytesSync, stderrWrite, stdoutWrite } = primordials;

let openFile: { path: string; fd: number } | undefined;

/** Appends to `path` with one write per call (O_APPEND), keeping the descriptor open. */
function appendToFile(path: string, text: string): void {
  if (!openFile || openFile.path !== path) openFile = { path, fd: fsOpenSync(path, 'a') };
  const bytes = BufferFrom(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) offset += fsWriteBytesSync(openFile.fd, bytes, offset, bytes.length - offset);
}

export type Kind = 'output' | 'notice';

/** Writes memprof's output; `stream` is the marker's option, if any. Throws what the write threw. */
export function write(text: string, stream: TextSink | undefined, kind: Kind): void {
  if (stream) {
    stream.write(text);
    return;
  }
  const file = environment('MEMPROF_OUTPUT');
  if (file) {
    appendToFile(file, text);
  } else if (kind === 'output') {
    stdoutWrite(text);
  } else {
    stderrWrite(text);
  }
}

/** A problem memprof cannot report where its output goes (that is what failed): stderr, as a last resort. */
export function complain(text: string): void {
  try {
    stderrWrite(text);
  } catch {
    // Nowhere left to say it.
  }
}
