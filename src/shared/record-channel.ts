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
} as const;
