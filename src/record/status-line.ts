// The one live line `memprof run` keeps on a terminal while it records: elapsed time, current and peak
// memory, processes. The program writes to the same terminal whenever it likes, and memprof cannot
// know when, so the line lives where the program's output never goes: the terminal's bottom row,
// kept out of the scrolling region (as apt draws its progress bar). The program's output scrolls above
// it, whole; the line is redrawn in place at most a few times a second, and the terminal is given its
// full height back when recording ends (or memprof exits). Never shown when stderr is not a terminal.

export interface StatusSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
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

const ESCAPE = '\x1b';
const SAVE_CURSOR = `${ESCAPE}7`;
const RESTORE_CURSOR = `${ESCAPE}8`;
const ERASE_LINE = `${ESCAPE}[2K`;
const FULL_SCROLL_REGION = `${ESCAPE}[r`;
const scrollRegion = (lastRow: number) => `${ESCAPE}[1;${lastRow}r`;
const moveTo = (row: number) => `${ESCAPE}[${row};1H`;

/**
 * The escape sequences, each written in one piece so that the program's output, which reaches the
 * terminal between memprof's writes, never lands inside one.
 */
export const statusSequences = {
  /**
   * Take the bottom row out of the scrolling region. A newline first, so that a cursor on the bottom
   * row scrolls up out of the way; setting the region moves the cursor home, so it is saved around it
   * and then moved back up to where the newline took it from.
   */
  reserve: (rows: number) => `\n${SAVE_CURSOR}${scrollRegion(rows - 1)}${RESTORE_CURSOR}${ESCAPE}[1A`,
  draw: (rows: number, text: string) => `${SAVE_CURSOR}${moveTo(rows)}${ERASE_LINE}${text}${RESTORE_CURSOR}`,
  release: (rows: number) => `${SAVE_CURSOR}${FULL_SCROLL_REGION}${moveTo(rows)}${ERASE_LINE}${RESTORE_CURSOR}`,
};

/** Fewer rows leave no room for the program's output beside the line. */
const MIN_ROWS = 3;

export class StatusLine {
  private lastDraw = -Infinity;
  /** The terminal height the bottom row was reserved for; undefined while nothing is reserved. */
  private reservedRows: number | undefined;
  private readonly releaseAtExit = () => this.clear();

  constructor(
    private readonly sink: StatusSink,
    private readonly enabled: boolean,
    private readonly minPeriodMs = 250,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Whether a status line is drawn at all: only on a terminal of known height, and when not turned off. */
  static wanted(sink: StatusSink, allowed: boolean): boolean {
    return allowed && sink.isTTY === true && (sink.rows ?? 0) >= MIN_ROWS;
  }

  update(figures: StatusFigures): void {
    if (!this.enabled) return;
    const now = this.clock();
    if (now - this.lastDraw < this.minPeriodMs) return;
    const rows = this.sink.rows ?? 0;
    if (rows < MIN_ROWS) return this.clear();
    this.lastDraw = now;
    let text = formatStatus(figures);
    const width = this.sink.columns;
    if (width && text.length >= width) text = text.slice(0, Math.max(0, width - 1));
    let output = '';
    if (this.reservedRows !== rows) {
      // First draw, or the terminal was resized: the region follows its new height.
      if (this.reservedRows === undefined) process.once('exit', this.releaseAtExit);
      output += statusSequences.reserve(rows);
      this.reservedRows = rows;
    }
    this.sink.write(output + statusSequences.draw(rows, text));
  }

  /** Erases the line and gives the terminal its whole height back (memprof's own messages follow). */
  clear(): void {
    if (this.reservedRows === undefined) return;
    this.sink.write(statusSequences.release(this.sink.rows ?? this.reservedRows));
    this.reservedRows = undefined;
    process.off('exit', this.releaseAtExit);
  }
}
