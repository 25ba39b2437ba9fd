// What a plot shows, computed once from one or more recordings (DatFile): series of memory against
// seconds from each file's start, the profiled calls placed on their process' line, colours, legend
// labels and the rows of the flame view. Plain data (JSON), so the HTML report can carry it and redraw
// it in the browser with the same renderer (render.ts) as the SVG and PNG outputs.
//
// Big recordings are decimated here, to a budget of points for all series together (the HTML page
// carries them): each series keeps its first, lowest, highest and last sample per time bucket
// (envelope.ts), so every peak is a real sample, kept exactly. Calls are all kept.
import type { DatFile, FuncRecord } from '../record/dat';
import type { RecordingMeasure } from '../shared/dat-lines';
import { SampleEnvelope, sharePoints } from './envelope';
import { assignNestedRows, assignRows } from './flame-rows';
import { recordingOf, type PlotRecording } from './recording';

export interface SeriesData {
  id: number;
  /** Index of the recording, in the order given. */
  file: number;
  /** mem: the recorded process (MEM lines); child: a CHLD series; markers: CHLDFUNC calls of a pid without CHLD lines. */
  kind: 'mem' | 'child' | 'markers';
  pid?: number;
  label: string;
  color: string;
  /** Seconds from the file's start, increasing. */
  time: number[];
  /** MiB measured at each time. */
  memory: number[];
  /**
   * Present when the series had more samples than its share of the points: how many, the width of
   * the time buckets it was cut into (`time` and `memory` hold each bucket's first, lowest, highest
   * and last sample), and each bucket's mean time and memory and number of samples, in time order:
   * a least-squares slope fitted to those, weighted, is the slope of all the samples.
   */
  decimated?: { samples: number; bucketSeconds: number; means: { time: number[]; memory: number[]; samples: number[] } };
}

export interface FunctionData {
  /** The name as in the file (untrusted text: escaped where drawn). */
  name: string;
  /** The name shown in the legend and the flame view: `__main__.test1` → `test1` (see functionLabel). */
  label: string;
  color: string;
  /**
   * With several recordings, each has its own entry per function (index in `files`), so that the
   * legend tells whose calls it counts; a function keeps its colour across recordings.
   */
  file?: number;
}

export interface CallData {
  /** Index in `functions`. */
  function: number;
  /** Index in `series`: the line the call is drawn on. */
  series: number;
  /** Seconds from the file's start, and MiB measured, at the call's entry and exit. */
  entryTime: number;
  exitTime: number;
  entryMemory: number;
  exitMemory: number;
  /** Nesting level from the file (or computed, for files without one). */
  level: number;
  /** Index in `flameGroups`, and row in that group (0 at the bottom); rows never overlap in time. */
  group: number;
  row: number;
  pid?: number;
  /** Index in `calls` of its caller, when the file says (CALL lines) and the caller is in it. */
  parent?: number;
  /** Index in `sites`: its function's file and line, when the file says. */
  site?: number;
}

/** Where a profiled function is, and the line table it leads to (memprof plot --report). */
export interface SiteData {
  /** As the line tables name it (untrusted text: escaped where drawn). */
  file: string;
  line: number;
  /** A relative URL of its lines in an annotated-source page (memprof report --html), when there is one. */
  href?: string;
}

export interface FlameGroup {
  /** The series whose calls are stacked in this band. */
  series: number;
  label: string;
  rows: number;
}

export interface FileInfo {
  name: string;
  cmdline?: string;
  /** Epoch seconds of the first MEM sample: time 0 for this file. */
  start: number;
  /** What its MEM and CHLD lines measure (MEASURE line), when the file says. */
  measure?: RecordingMeasure;
}

export interface PlotData {
  /** The shape of this data (the HTML report embeds it): 2 since its fields have word names (1: t, m, f, s, t0, t1, m0, m1). */
  version: 2;
  title: string;
  files: FileInfo[];
  series: SeriesData[];
  functions: FunctionData[];
  calls: CallData[];
  /** The functions' files and lines, for calls that have one (files with CALL lines); absent without. */
  sites?: SiteData[];
  flameGroups: FlameGroup[];
  /** Time range of everything in the data, in seconds from each file's start. */
  span: [number, number];
}

export interface ModelOptions {
  /** Overrides the title (default: the command line, or a summary for several files). */
  title?: string;
  /** The most sample points all series together keep (default POINT_BUDGET). */
  maxPoints?: number;
  /** The address of a function's line table (report-links.ts): the HTML report opens it when one of its calls is clicked. */
  linkOf?: (file: string, line: number) => string | undefined;
}

/**
 * Points kept for all series together: about 12 bytes each in the HTML page (page-data.ts), so about
 * 5 MB, within its 10 MB budget beside the calls, the script and the picture; 100,000 points per
 * series for three series, a bucket per pixel column at 100x zoom.
 */
export const POINT_BUDGET = 400_000;

/** Line colours: the recorded process in near-black (first file), children in muted hues. */
export const MEM_COLORS = ['#202020', '#1f4e9c', '#9c1f4e', '#4e7a1f', '#6b3fa0', '#8a5a14'];
export const CHILD_COLORS = ['#3b75af', '#c0504d', '#6a9a3a', '#8064a2', '#2f8f8f', '#b07c2a', '#7f7f7f', '#a05a8a'];
/** Function colours (brackets, flame boxes): vivid, distinct from each other. */
export const FUNCTION_COLORS = [
  '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#17becf', '#e377c2', '#bcbd22', '#8c564b', '#1f77b4', '#7f7f7f',
  '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#9edae5', '#f7b6d2', '#dbdb8d', '#c49c94', '#aec7e8',
];

/**
 * The name shown for a function: as written, less mprof's `__main__.` prefix for the main script's
 * functions (mprof writes `module.function`; memprof writes `Class.method`, which stays whole).
 */
export function functionLabel(name: string): string {
  return name.startsWith('__main__.') && name.length > '__main__.'.length ? name.slice('__main__.'.length) : name;
}

const round = (value: number, digits: number): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

function baseName(path: string): string {
  return path.replace(/\/+$/, '').split('/').pop() ?? path;
}

/** Start of a file: its first MEM sample (files without one are refused before this). */
function fileStart(file: PlotRecording): number {
  return Number.isFinite(file.mem.firstTime) ? file.mem.firstTime : 0;
}

/** Nesting levels for calls from files without them: the number of calls of the process still open. */
function inferLevels(calls: Array<FuncRecord & { level?: number }>): Map<FuncRecord, number> {
  const levels = new Map<FuncRecord, number>();
  const order = [...calls].sort((a, b) => a.t0 - b.t0 || b.t1 - a.t1);
  const open: FuncRecord[] = [];
  for (const call of order) {
    while (open.length > 0 && open[open.length - 1].t1 <= call.t0) open.pop();
    levels.set(call, call.level ?? open.length);
    open.push(call);
  }
  return levels;
}

/**
 * Links each call to its caller (CALL lines: ids per thread of the process) and lays the calls out
 * over their callers; `placed` are one process' calls, the first of them to be `base` in `calls`.
 * Returns the band's rows. A call whose caller is not in the file (its line was lost) is a root.
 */
function nestUnderCallers(placed: ReadonlyArray<{ record: FuncRecord; call: CallData }>, base: number): number {
  const key = (thread: number, id: number): string => `${thread}:${id}`;
  const byId = new Map<string, number>();
  placed.forEach(({ record }, index) => {
    if (record.context && !byId.has(key(record.context.thread, record.context.id))) byId.set(key(record.context.thread, record.context.id), index);
  });
  const parents = placed.map(({ record, call }, index) => {
    const context = record.context;
    const parent = context && context.parent !== 0 ? byId.get(key(context.thread, context.parent)) : undefined;
    if (parent === undefined || parent === index) return -1;
    call.parent = base + parent;
    return parent;
  });
  return assignNestedRows(
    placed.map((entry) => entry.call),
    parents,
  );
}

function commonTitle(files: readonly PlotRecording[]): string {
  if (files.length === 1) return files[0].cmdline ?? baseName(files[0].filename);
  const commands = [...new Set(files.map((file) => file.cmdline ?? ''))];
  if (commands.length === 1 && commands[0] !== '') return `${commands[0]} (${files.length} recordings)`;
  return `${files.length} recordings`;
}

/** Each series' share of the points, by envelope: what it has, or an equal part of what is left. */
function pointShares(files: readonly PlotRecording[], maxPoints: number): Map<SampleEnvelope, number> {
  const envelopes = files.flatMap((file) => [file.mem, ...file.children.values()]);
  const shares = sharePoints(
    envelopes.map((envelope) => envelope.pointBound()),
    maxPoints,
  );
  return new Map(envelopes.map((envelope, index) => [envelope, shares[index]]));
}

/**
 * Builds what the plot shows from recordings that have MEM samples (callers check with
 * requireSamples): read whole (DatFile) or as a stream (PlotRecording, plot/recording.ts).
 */
export function buildPlotData(inputs: ReadonlyArray<DatFile | PlotRecording>, options: ModelOptions = {}): PlotData {
  const files = inputs.map((input) => (input.mem instanceof SampleEnvelope ? (input as PlotRecording) : recordingOf(input as DatFile)));
  const shares = pointShares(files, options.maxPoints ?? POINT_BUDGET);
  const several = files.length > 1;
  const series: SeriesData[] = [];
  const infos: FileInfo[] = [];
  const functionKey = (fileIndex: number, name: string) => (several ? `${fileIndex}\0${name}` : name);
  const functionIndex = new Map<string, number>();
  const colorOf = new Map<string, string>();
  const functions: FunctionData[] = [];
  files.forEach((file, fileIndex) => {
    for (const { name } of file.funcs) {
      const key = functionKey(fileIndex, name);
      if (functionIndex.has(key)) continue;
      functionIndex.set(key, functions.length);
      if (!colorOf.has(name)) colorOf.set(name, FUNCTION_COLORS[colorOf.size % FUNCTION_COLORS.length]);
      const entry: FunctionData = { name, label: functionLabel(name), color: colorOf.get(name)! };
      if (several) entry.file = fileIndex;
      functions.push(entry);
    }
  });
  const calls: CallData[] = [];
  const sites: SiteData[] = [];
  const siteIndex = new Map<string, number>();
  const siteOf = (file: string, line: number): number => {
    const key = `${line}:${file}`;
    let index = siteIndex.get(key);
    if (index === undefined) {
      index = sites.length;
      siteIndex.set(key, index);
      const site: SiteData = { file, line };
      const href = options.linkOf?.(file, line);
      if (href !== undefined) site.href = href;
      sites.push(site);
    }
    return index;
  };
  const flameGroups: FlameGroup[] = [];
  let childColor = 0;
  let spanStart = Infinity;
  let spanEnd = -Infinity;
  const extend = (time: number) => {
    spanStart = Math.min(spanStart, time);
    spanEnd = Math.max(spanEnd, time);
  };

  files.forEach((file, fileIndex) => {
    const start = fileStart(file);
    const name = baseName(file.filename);
    const info: FileInfo = { name, cmdline: file.cmdline, start };
    if (file.measure) info.measure = file.measure;
    infos.push(info);
    const prefix = several ? `#${fileIndex + 1} ` : '';
    const toSeries = (kind: SeriesData['kind'], samples: SampleEnvelope, label: string, color: string, pid?: number): SeriesData => {
      const points = samples.points(shares.get(samples));
      const entry: SeriesData = {
        id: series.length,
        file: fileIndex,
        kind,
        label,
        color,
        time: points.time.map((time) => round(time - start, 4)),
        memory: points.memory.map((mib) => round(mib, 4)),
      };
      if (points.bucketSeconds !== undefined && points.means) {
        const { means } = points;
        entry.decimated = {
          samples: samples.count,
          bucketSeconds: points.bucketSeconds,
          means: { time: means.time.map((time) => round(time - start, 4)), memory: means.memory.map((mib) => round(mib, 4)), samples: means.samples },
        };
      }
      if (pid !== undefined) entry.pid = pid;
      for (const time of entry.time) extend(time);
      series.push(entry);
      return entry;
    };
    // With --include-children the MEM line is the whole tree: its label says so.
    const scope = file.measure?.scope === 'tree' ? ': process + children' : '';
    const main = toSeries('mem', file.mem, `${several ? `#${fileIndex + 1} ${name}` : 'MEM'}${scope}`, MEM_COLORS[fileIndex % MEM_COLORS.length]);
    const byPid = new Map<number, SeriesData>();
    for (const [pid, samples] of [...file.children].sort((a, b) => a[0] - b[0])) {
      byPid.set(pid, toSeries('child', samples, `${prefix}child ${pid}`, CHILD_COLORS[childColor++ % CHILD_COLORS.length], pid));
    }
    // Calls, grouped by the process they ran in: each process is one band of the flame view.
    const byProcess = new Map<number | undefined, FuncRecord[]>();
    for (const call of file.funcs) {
      const list = byProcess.get(call.pid) ?? [];
      list.push(call);
      byProcess.set(call.pid, list);
    }
    // The recorded process first, then children by pid (sort() would put `undefined` last).
    const childPids = [...byProcess.keys()].filter((pid): pid is number => pid !== undefined).sort((a, b) => a - b);
    const pids: Array<number | undefined> = byProcess.has(undefined) ? [undefined, ...childPids] : childPids;
    for (const pid of pids) {
      const records = byProcess.get(pid)!;
      let line = pid === undefined ? main : byPid.get(pid);
      if (!line) {
        // CHLDFUNC lines of a process recorded without --multiprocess: no memory line to sit on, so
        // its markers are drawn alone, at the memory that process measured.
        line = toSeries('markers', new SampleEnvelope(), `${prefix}pid ${pid} (markers only)`, CHILD_COLORS[childColor++ % CHILD_COLORS.length], pid);
      }
      const group = flameGroups.length;
      const levels = inferLevels(records);
      const placed = records.map((record) => {
        const call: CallData = {
          function: functionIndex.get(functionKey(fileIndex, record.name))!,
          series: line!.id,
          entryTime: round(record.t0 - start, 4),
          exitTime: round(Math.max(record.t1, record.t0) - start, 4),
          entryMemory: round(record.mem0, 4),
          exitMemory: round(record.mem1, 4),
          level: levels.get(record) ?? 0,
          group,
          row: 0,
        };
        if (pid !== undefined) call.pid = pid;
        const site = record.context && record.context.file !== '' ? siteOf(record.context.file, record.context.line) : undefined;
        if (site !== undefined) call.site = site;
        extend(call.entryTime);
        extend(call.exitTime);
        return { record, call };
      });
      placed.sort((a, b) => a.call.entryTime - b.call.entryTime || a.call.level - b.call.level);
      const placedCalls = placed.map((entry) => entry.call);
      // Calls that say who called them are drawn over their caller; files without (mprof's, older
      // memprof's) by level, as before.
      const rows = placed.some((entry) => entry.record.context) ? nestUnderCallers(placed, calls.length) : assignRows(placedCalls);
      flameGroups.push({ series: line.id, label: pid === undefined ? (several ? `#${fileIndex + 1} main` : 'main') : `${prefix}pid ${pid}`, rows });
      calls.push(...placedCalls);
    }
  });

  const data: PlotData = {
    version: 2,
    title: options.title ?? commonTitle(files),
    files: infos,
    series,
    functions,
    calls,
    flameGroups,
    span: Number.isFinite(spanStart) ? [spanStart, spanEnd] : [0, 1],
  };
  if (sites.length > 0) data.sites = sites;
  return data;
}
