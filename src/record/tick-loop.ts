// The fixed-rate loop of every sampler (memprof run and attach, memoryUsage() of a pid or a command,
// its sampling process and its heap worker). Tick n is due at start + n·interval, not one interval
// after tick n-1 ended, so that the time a sample takes does not stretch the series; when a tick ends
// after the next one was due (a busy machine, or an interval shorter than a sample), that slot is
// skipped and counted in `late`, never bunched.

/** Where the loop gets its time and timers: the real ones, or a test's fake clock. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

export const REAL_CLOCK: Clock = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/** Real timers that do not keep the process alive (a sampler beside a program that may end any time). */
export const BACKGROUND_CLOCK: Clock = {
  ...REAL_CLOCK,
  setTimer: (callback, ms) => setTimeout(callback, ms).unref(),
};

/** One tick; false (or a promise of false) ends the loop. */
export type Tick = () => boolean | Promise<boolean>;

export class TickLoop {
  /** Slots skipped because the tick before them ended too late. */
  late = 0;
  private running = false;
  private next = 0;
  private timer: unknown;

  constructor(
    private readonly intervalMs: number,
    private readonly tick: Tick,
    private readonly clock: Clock = REAL_CLOCK,
  ) {}

  get stopped(): boolean {
    return !this.running;
  }

  /** Starts ticking: the first tick at once, or one interval from now (when the caller took the first sample itself). */
  start(first: 'now' | 'after-interval' = 'now'): void {
    if (this.running) return;
    this.running = true;
    this.next = this.clock.now();
    if (first === 'now') this.run();
    else this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private readonly run = (): void => {
    this.timer = undefined;
    if (!this.running) return;
    const going = this.tick();
    if (typeof going === 'boolean') this.continueIf(going);
    else void going.then((value) => this.continueIf(value));
  };

  private continueIf(going: boolean): void {
    if (!going) this.stop();
    if (this.running) this.schedule();
  }

  private schedule(): void {
    const now = this.clock.now();
    this.next += this.intervalMs;
    if (this.next < now) {
      this.late++;
      this.next = now;
    }
    this.timer = this.clock.setTimer(this.run, this.next - now);
  }
}
