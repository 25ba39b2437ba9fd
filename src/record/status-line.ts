// The one live line `memprof run` keeps on a terminal while it records: elapsed time, current and peak
// memory, processes. Redrawn at most a few times a second, in place (carriage return + erase line),
// and erased before memprof prints anything else. Never shown when stderr is not a terminal.

export interface StatusSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface StatusFigures {
  elapsedSeconds: number;
  currentMiB: number;
  peakMiB: number;
  processes: number;
  samples: number;
  /** The whole tree's memory, when the current figure is the main process' alone. */
  treeMiB?: number;
}

export function formatStatus(figures: StatusFigures): string {
  const processes = `${figures.processes} process${figures.processes === 1 ? '' : 'es'}`;
  const tree = figures.treeMiB !== undefined && figures.processes > 1 ? ` (all ${figures.treeMiB.toFixed(1)} MiB)` : '';
  return (
    `memprof: recording ${figures.elapsedSeconds.toFixed(1)} s` +
    `  current ${figures.currentMiB.toFixed(1)} MiB${tree}  peak ${figures.peakMiB.toFixed(1)} MiB` +
    `  ${processes}  ${figures.samples} sample${figures.samples === 1 ? '' : 's'}`
  );
}

const ERASE = '\r\x1b[2K';

export class StatusLine {
  private lastDraw = -Infinity;
  private shown = false;

  constructor(
    private readonly sink: StatusSink,
    private readonly enabled: boolean,
    private readonly minPeriodMs = 250,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Whether a status line is drawn at all: only on a terminal, and when not turned off. */
  static wanted(sink: StatusSink, allowed: boolean): boolean {
    return allowed && sink.isTTY === true;
  }

  update(figures: StatusFigures): void {
    if (!this.enabled) return;
    const now = this.clock();
    if (now - this.lastDraw < this.minPeriodMs) return;
    this.lastDraw = now;
    let text = formatStatus(figures);
    const width = this.sink.columns;
    if (width && text.length >= width) text = text.slice(0, Math.max(0, width - 1));
    // The cursor is left at the start of the line, so that the program's own output overwrites it.
    this.sink.write(`${ERASE}${text}\r`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.sink.write(ERASE);
    this.shown = false;
  }
}
