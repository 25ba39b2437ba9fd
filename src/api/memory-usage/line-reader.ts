// Reads `\n`-terminated lines from a stream, one at a time, for the two ends of the sampling
// process' protocol (its stdout for memoryUsage(), its stdin for the sampler). A last line without
// its newline is dropped: only whole lines are commands or results.
import type { Readable } from 'node:stream';

export class LineReader {
  private buffered = '';
  private readonly lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private ended = false;

  constructor(stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.buffered += chunk;
      let newline: number;
      while ((newline = this.buffered.indexOf('\n')) >= 0) {
        this.lines.push(this.buffered.slice(0, newline));
        this.buffered = this.buffered.slice(newline + 1);
      }
      this.flush();
    });
    const end = (): void => {
      this.ended = true;
      this.flush();
    };
    stream.on('end', end);
    stream.on('close', end);
  }

  private flush(): void {
    if (!this.waiting) return;
    if (this.lines.length > 0) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting(this.lines.shift());
    } else if (this.ended) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting(undefined);
    }
  }

  /** The next line; undefined once the stream has ended and every line was read. */
  next(): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.flush();
    });
  }
}
