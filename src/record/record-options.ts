// What `memprof run` and `memprof attach` are asked to do, and how they fail.
import { checkProcSupport, type Backend } from './proc/backends';
import type { ProfileKind } from '../heap-sampling/profile-format';
import type { StatusSink } from './status-line';

/** `memprof run --heap-sampling`: every Node process and thread runs V8's sampling heap profiler. */
export interface HeapSamplingOptions {
  /** Average bytes between samples. */
  interval: number;
  kind: ProfileKind;
  /** The signal that asks for a snapshot (`memprof snapshot`). */
  signal: string;
}

export interface RecordOptions {
  /** Seconds between samples. */
  interval: number;
  /** MEM is the sum over the whole process tree. */
  includeChildren: boolean;
  /** One CHLD series per descendant process. */
  multiprocess: boolean;
  /** Stop recording after this many seconds. */
  timeout?: number;
  backend: Backend;
  /** Output file; default `mprofile_<YYYYMMDDhhmmss>.dat` in the current directory. */
  output?: string;
  /** Give node children memprof's load hook (NODE_OPTIONS); default true. */
  hook: boolean;
  /** Profile marked functions line by line (their tables printed) instead of timing calls only. */
  lines?: boolean;
  /** Per-request accounts in every Node process of the tree (MEMPROF_REQUESTS=1). */
  requests?: boolean;
  /** Record allocation profiles beside the recording (needs the hook). */
  heapSampling?: HeapSamplingOptions;
  /** Print the recorder's own CPU and memory use at the end. */
  selfStats: boolean;
  /** Allow the live status line (it is shown only when stderr is a terminal). */
  status: boolean;
  /** Where messages and the status line go; default process.stderr. */
  stderr?: StatusSink;
}

/** A failure before or while recording, with its one-line message and the exit code to use. */
export class RecordError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Throws RecordError (exit code 1) when this system cannot record with `options.backend`. */
export function checkRecordingSupport(options: RecordOptions): void {
  try {
    checkProcSupport(options.backend);
  } catch (error) {
    throw new RecordError((error as Error).message, 1);
  }
}
