// Lines of a file read through one fixed buffer (fs.readSync), never the whole file as one string: a
// recording of hours is hundreds of megabytes, and holding it as text, then as an array of lines, is
// what made reading one take several times its size in memory.
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Receives each line without its `\n` (and without a `\r` before it: CRLF files read like LF ones).
 * `terminated` is false for a last line the file does not end with a `\n`. `line` is null for a line
 * longer than the reader keeps (see readLines): its text was skipped, not read.
 */
export type LineSink = (line: string | null, terminated: boolean) => void;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * The buffer read into: 64 KiB, so that the text decoded from each read is an ordinary young object
 * that the next scavenge frees (a larger one goes to V8's large-object space, freed only by a full
 * collection: reading with 1 MiB reads took twice the memory and twice the time). A line longer than
 * the buffer grows it, up to `maxLineBytes`.
 */
export const DEFAULT_BUFFER_BYTES = 64 << 10;
/** Far above any line a recording holds (a command line is at most a few MiB: ARG_MAX). */
export const DEFAULT_MAX_LINE_BYTES = 16 << 20;

export interface LineReaderOptions {
  bufferBytes?: number;
  maxLineBytes?: number;
}

/** Strips the `\r` of a CRLF line ending. */
const withoutCr = (line: string): string => (line.charCodeAt(line.length - 1) === CARRIAGE_RETURN ? line.slice(0, -1) : line);

/** Calls `sink` for each line of `text` (a file already in memory), as readLines does for a file. */
export function textLines(text: string, sink: LineSink): void {
  let start = 0;
  for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
    sink(withoutCr(text.slice(start, end)), true);
    start = end + 1;
  }
  if (start < text.length) sink(text.slice(start), false);
}

/**
 * Calls `sink` for each line of the file at `path`, in order. Memory stays at the buffer's size
 * whatever the file's: the bytes after the last newline of one read are moved to the buffer's start
 * and the next read appends to them, so a line split across two reads is decoded whole (and a UTF-8
 * character is never cut, since a newline byte is never part of one). Errors of open and read
 * (ENOENT, EISDIR, EACCES) are thrown as they come.
 */
export function readLines(path: string, sink: LineSink, options: LineReaderOptions = {}): void {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let buffer = Buffer.allocUnsafe(Math.max(1, Math.min(options.bufferBytes ?? DEFAULT_BUFFER_BYTES, maxLine + 1)));
  // Bytes at the buffer's start that belong to a line not yet ended; `skipping`: that line is too
  // long and is being passed over until its newline.
  let pending = 0;
  let skipping = false;
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      if (pending === buffer.length) {
        // A line as long as the buffer: grow it, or give up on the line once it passes the limit.
        if (buffer.length > maxLine) {
          skipping = true;
          pending = 0;
        } else {
          const larger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxLine + 1));
          buffer.copy(larger, 0, 0, pending);
          buffer = larger;
        }
      }
      const read = readSync(fd, buffer, pending, buffer.length - pending, null);
      if (read === 0) break;
      const end = pending + read;
      let start = 0;
      if (skipping) {
        const newline = buffer.indexOf(NEWLINE, pending);
        if (newline < 0 || newline >= end) {
          pending = 0;
          continue;
        }
        skipping = false;
        sink(null, true);
        start = newline + 1;
      }
      const last = buffer.lastIndexOf(NEWLINE, end - 1);
      if (last >= start) {
        // One decode per read, then lines are slices of that text: far cheaper than one per line.
        const text = buffer.toString('utf8', start, last + 1);
        let from = 0;
        for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', from)) {
          sink(withoutCr(text.slice(from, newline)), true);
          from = newline + 1;
        }
        start = last + 1;
      }
      pending = end - start;
      if (start > 0 && pending > 0) buffer.copyWithin(0, start, end);
    }
    if (skipping) sink(null, false);
    else if (pending > 0) sink(buffer.toString('utf8', 0, pending), false);
  } finally {
    closeSync(fd);
  }
}
