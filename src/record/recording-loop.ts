// The recording loop of `memprof run` and `memprof attach`: sample the process (and its tree) every
// interval and append the sample's lines with one write as soon as it is taken, so that whatever
// happens to the program or to memprof, the file holds every sample taken so far. Also keeps the
// status line and the figures of the summary and of --self-stats.
import { fstatSync, ftruncateSync, writeSync } from 'node:fs';
import { chldLine, memLine } from '../shared/dat-lines';
import { toMiB } from '../shared/units';
import { displayPath, type OutputFile } from './output-file';
import type { RecordOptions } from './record-options';
import { SampleStore } from './sample-store';
import { StatusLine, type StatusSink } from './status-line';
import { TickLoop } from './tick-loop';
import { TreeSampler, type Sample } from './tree-sampler';

/** Why a recording ended by itself: the process is gone (or a zombie), or --timeout passed. */
export type EndReason = 'exited' | 'timeout';

export class RecordingLoop {
  private readonly sampler: TreeSampler;
  private readonly status: StatusLine;
  private readonly loop: TickLoop;
  /** The MEM series: its count and peak (the samples themselves are in the file). */
  private readonly written = new SampleStore(false);
  private timeoutTimer: NodeJS.Timeout | undefined;
  private readonly startedAt = performance.now();
  private readonly cpuAtStart = process.cpuUsage();
  private sampleMicros = 0;
  private maxSampleMicros = 0;
  maxProcesses = 1;
  stopped = false;
  private writeFailed = false;

  /** Throws if the process cannot be read. */
  constructor(
    readonly pid: number,
    private readonly output: OutputFile,
    private readonly options: RecordOptions,
    private readonly sink: StatusSink,
    /** Called once when the recorded process is found gone by the sampler, or at --timeout. */
    private readonly onEnd: (reason: EndReason) => void,
  ) {
    const showStatus = StatusLine.wanted(sink, options.status);
    this.sampler = new TreeSampler(pid, {
      backend: options.backend,
      followTree: options.includeChildren || options.multiprocess || showStatus,
      interval: options.interval,
    });
    this.status = new StatusLine(sink, showStatus);
    this.loop = new TickLoop(options.interval * 1000, this.tick);
  }

  get samples(): number {
    return this.written.count;
  }

  get peakMiB(): number {
    return this.written.count > 0 ? toMiB(this.written.peakBytes) : 0;
  }

  start(): void {
    if (this.options.timeout !== undefined) {
      this.timeoutTimer = setTimeout(() => {
        this.stop();
        this.onEnd('timeout');
      }, this.options.timeout * 1000);
    }
    this.loop.start('now');
  }

  private readonly tick = (): boolean => {
    const before = performance.now();
    const sample = this.sampler.sample();
    if (!sample) {
      // The process is gone or a zombie. For `run`, its exit event follows; `attach` ends here.
      this.stop();
      this.onEnd('exited');
      return false;
    }
    this.write(sample);
    const micros = (performance.now() - before) * 1000;
    this.sampleMicros += micros;
    if (micros > this.maxSampleMicros) this.maxSampleMicros = micros;
    return true;
  };

  private write(sample: Sample): void {
    const bytes = this.options.includeChildren ? sample.total : sample.root;
    const mib = toMiB(bytes);
    let text = memLine(mib, sample.time);
    if (this.options.multiprocess) {
      for (const child of sample.children) text += chldLine(child.pid, toMiB(child.bytes), sample.time);
    }
    this.written.add(sample.time, bytes);
    const processes = 1 + sample.children.length;
    if (processes > this.maxProcesses) this.maxProcesses = processes;
    if (!this.writeFailed) {
      try {
        // One write per sample; a short one means a full disk: stop there, so that the file keeps
        // every whole line written before and no torn one after (the partial line is cut off).
        const bytes = Buffer.from(text, 'utf8');
        const written = writeSync(this.output.fd, bytes, 0, bytes.length);
        if (written < bytes.length) {
          truncateTornLine(this.output.fd, written);
          throw new Error(`only ${written} of ${bytes.length} bytes written (disk full?)`);
        }
      } catch (error) {
        this.writeFailed = true;
        this.status.clear();
        this.sink.write(`memprof: cannot write ${this.output.path}: ${(error as Error).message}; recording stopped\n`);
        this.stop();
        return;
      }
    }
    this.status.update({
      elapsedSeconds: (performance.now() - this.startedAt) / 1000,
      currentMiB: mib,
      peakMiB: this.peakMiB,
      processes,
      samples: this.samples,
      treeMiB: this.options.includeChildren ? undefined : toMiB(sample.total),
    });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.loop.stop();
    if (this.timeoutTimer) clearTimeout(this.timeoutTimer);
    this.timeoutTimer = undefined;
    this.sampler.close();
    this.status.clear();
  }

  /** The line memprof ends with: how many samples, the peak, where they are. */
  summary(): string {
    const processes = this.maxProcesses > 1 ? `, up to ${this.maxProcesses} processes` : '';
    return `memprof: ${this.samples} sample${this.samples === 1 ? '' : 's'} (peak ${this.peakMiB.toFixed(1)} MiB${processes}) in ${displayPath(this.output.path)}\n`;
  }

  /** The recorder's own cost, for --self-stats. */
  selfStats(): string {
    const cpu = process.cpuUsage(this.cpuAtStart);
    const wallSeconds = (performance.now() - this.startedAt) / 1000;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const usage = process.memoryUsage();
    const maxRss = process.resourceUsage().maxRSS / 1024;
    const mean = this.samples > 0 ? this.sampleMicros / this.samples : 0;
    return [
      `memprof: self-stats: ${this.samples} samples in ${wallSeconds.toFixed(2)} s, every ${this.options.interval} s, up to ${this.maxProcesses} process${this.maxProcesses === 1 ? '' : 'es'} (backend ${this.options.backend})`,
      `memprof: self-stats: CPU ${cpuSeconds.toFixed(3)} s = ${((100 * cpuSeconds) / Math.max(wallSeconds, 1e-9)).toFixed(2)}% of one core (user ${(cpu.user / 1e6).toFixed(3)} s, system ${(cpu.system / 1e6).toFixed(3)} s)`,
      `memprof: self-stats: ${mean.toFixed(1)} µs per sample (max ${this.maxSampleMicros.toFixed(0)} µs), ${this.loop.late} late`,
      `memprof: self-stats: RSS ${toMiB(usage.rss).toFixed(1)} MiB (max ${maxRss.toFixed(1)} MiB), V8 heap ${toMiB(usage.heapUsed).toFixed(1)} MiB`,
    ].join('\n') + '\n';
  }
}

/** Cuts the `written` bytes of a line the disk had no room to finish off the end of the file. */
function truncateTornLine(fd: number, written: number): void {
  if (written <= 0) return;
  try {
    ftruncateSync(fd, fstatSync(fd).size - written);
  } catch {
    // The file stays readable: its reader skips a torn last line.
  }
}
