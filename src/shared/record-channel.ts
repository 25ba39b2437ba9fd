// The environment through which `memprof run` asks profiled processes (and their children) to write
// function markers into the recording: the recorder sets these variables, the profiled process reads
// them (src/reporters/recording-markers.ts). A leaf: imports nothing from the rest of memprof.
export const RECORD_ENV = {
  /** Absolute path of the `.dat` file to append FUNC lines to. */
  file: 'MEMPROF_RECORD_FILE',
  /** pid of the recorder: the process it started is the recorded (main) one, whose FUNC lines carry no pid. */
  parent: 'MEMPROF_RECORD_PARENT',
  /** rss (default), pss or uss: the same measure as the MEM lines. */
  backend: 'MEMPROF_RECORD_BACKEND',
  /** 1 with --include-children: a process' memory includes its descendants', as in MEM lines. */
  includeChildren: 'MEMPROF_RECORD_INCLUDE_CHILDREN',
  /**
   * Seconds between samples when each Node process samples itself (no /proc: macOS, Windows; or
   * forced with MEMPROF_RECORD_SAMPLING=self): set, the process appends its own MEM line (the
   * recorded process) or CHLD line (the others, with -M) to the recording.
   */
  selfInterval: 'MEMPROF_RECORD_SELF_INTERVAL',
  /** 1 with -M: processes other than the recorded one write CHLD lines when they sample themselves. */
  multiprocess: 'MEMPROF_RECORD_MULTIPROCESS',
  /** With --timeout, when processes sample themselves: the epoch milliseconds after which they stop. */
  selfUntil: 'MEMPROF_RECORD_SELF_UNTIL',
} as const;

// The environment of `memprof run --heap-sampling`: every Node process (and thread) that loads
// memprof's hook with these set runs V8's sampling heap profiler and writes its profile into the
// folder (src/heap-sampling/, read back by src/allocations/).
export const HEAP_SAMPLING_ENV = {
  /** Absolute path of the folder the profiles go to; sampling is on when it is set. */
  folder: 'MEMPROF_HEAP_PROFILES',
  /** Average bytes between two samples (V8's samplingInterval); default 524288 (512 KiB, V8's own). */
  interval: 'MEMPROF_HEAP_INTERVAL',
  /** `allocated` (default: every sampled object, collected or not) or `live` (only those still alive). */
  kind: 'MEMPROF_HEAP_KIND',
  /** The signal that asks a process for a snapshot of its profile (default SIGUSR2). */
  signal: 'MEMPROF_HEAP_SIGNAL',
} as const;
