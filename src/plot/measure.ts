// What the memory of a plot is, in words: the recorder's measure (the MEASURE line of memprof run's
// recordings: rss, pss or uss, of the process or of its whole tree) names the memory axis, and the
// HTML report says that it is not what the line tables measure (the JavaScript heap, by default), so
// that 241 MiB on the plot and 89.5 MiB in a table read as two measures, not as a contradiction.
// Runs in Node and in the browser (render.ts draws the axis): no imports at run time.
import type { FileInfo } from './model';

const NAMES: Readonly<Record<string, string>> = {
  rss: 'resident set size (RSS): its pages in RAM, shared ones included',
  pss: 'proportional set size (PSS): its pages in RAM, each shared page divided among the processes sharing it',
  uss: 'unique set size (USS): the pages in RAM of this process alone',
};

/** The backend all the files were recorded with, or undefined when they differ or one does not say. */
export function commonBackend(files: readonly FileInfo[]): string | undefined {
  const backends = new Set(files.map((file) => file.measure?.backend));
  if (backends.size !== 1) return undefined;
  const [backend] = backends;
  return backend;
}

/** The memory axis' name: mprof's, with the measure when every file says which (`memory used: RSS (in MiB)`). */
export function memoryAxisLabel(files: readonly FileInfo[]): string {
  const backend = commonBackend(files);
  return backend === undefined ? 'memory used (in MiB)' : `memory used: ${backend.toUpperCase()} (in MiB)`;
}

/**
 * One line for a call's tooltip: what its memory at entry and exit is, undefined when the file does
 * not say. With -C every profiled process measures itself with its descendants, as the MEM line does.
 */
export function measureOfCall(file: FileInfo | undefined): string | undefined {
  if (!file?.measure) return undefined;
  const name = file.measure.backend.toUpperCase();
  return file.measure.scope === 'tree' ? `${name} of the process and its children` : `${name} of the process`;
}

/**
 * The HTML report's note under its header: what the plot's memory is, and why the line tables'
 * figures are smaller. Plain text (the page escapes it).
 */
export function measureNote(files: readonly FileInfo[]): string {
  const backend = commonBackend(files);
  const tree = files.some((file) => file.measure?.scope === 'tree');
  const what =
    backend === undefined
      ? "The lines and brackets show the memory the recorder sampled: the process' resident set size (RSS), unless it was recorded with another --backend."
      : `The lines and brackets show memory as the recorder sampled it: the process' ${NAMES[backend] ?? backend.toUpperCase()}. A bracket is that measure at the call's entry and exit, taken by the process itself.`;
  const scope = tree ? ' Recorded with -C: the MEM line is the process and all its children together.' : '';
  return `${what}${scope} The line tables measure something else (the JavaScript heap, by default: MEMPROF_METRIC), a part of this memory, so their figures are smaller.`;
}
