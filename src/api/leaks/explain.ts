// Once the fit says memory grows: which lines keep it. A few more iterations run watched (see
// line-marks.ts and allocation-samples.ts): a first one finds the functions whose allocations survive,
// their every location gets a mark, then WATCHED_ITERATIONS more run with allocations sampled and
// tracked. An allocation made in one of them and still alive after the later ones is kept memory;
// the heap snapshot taken at the end gives a sample object's retainers. Written as a generator: each
// `yield` asks the leak finder to run one iteration (sync or async) and hands back its figures.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { forceCollection } from '../../runtime/metrics';
import { sourceLine } from '../../shared/source-lines';
import { allocatingFunctions, innermostFileFrame, isOwnAllocation, keptLines, type KeptLine } from './attribution';
import { liveSamples, startSampling, stopSampling } from './allocation-samples';
import { HeapGraph } from './heap-graph';
import { openInspectorSession, type InspectorSession } from './inspector';
import type { Growth } from './growth';
import type { LeakLine } from './leak-report';
import { functionKey, LineMarks } from './line-marks';
import { describeRetainers, heldByVariable, RetainerTree } from './retainer-path';

/** Iterations whose allocations are charged to lines; all but the last have outlived a later one. */
export const WATCHED_ITERATIONS = 4;

/** What one iteration measured: memprof's Allocated for each profiled line ("file:line"). */
export interface IterationFigures {
  allocatedBytes: number;
  exact: boolean;
  lineAllocations: Map<string, number>;
}

export interface Explanation {
  lines: LeakLine[];
  note: string | null;
}

/** memprof's own files: its compiled sources and its register entry (not the fixtures or tests beside them). */
const PACKAGE_ROOT = resolve(__dirname, '..', '..', '..', '..');
const OWN_PREFIXES = [resolve(PACKAGE_ROOT, 'dist', 'src'), resolve(PACKAGE_ROOT, 'register'), resolve(PACKAGE_ROOT, 'src')].map((path) => `${path}/`);

export function pathOf(url: string): string {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return url;
    }
  }
  return url;
}

const isOwnFile = (url: string): boolean => {
  const path = pathOf(url);
  return OWN_PREFIXES.some((prefix) => path.startsWith(prefix));
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Reads the snapshot V8 sends in chunks when tracking stops. */
function stopTrackingWithSnapshot(session: InspectorSession): HeapGraph | string {
  const chunks: string[] = [];
  const listener = (message: { params: unknown }) => chunks.push((message.params as { chunk: string }).chunk);
  session.on('HeapProfiler.addHeapSnapshotChunk', listener);
  try {
    session.post('HeapProfiler.stopTrackingHeapObjects', { reportProgress: false });
  } finally {
    session.off('HeapProfiler.addHeapSnapshotChunk', listener);
  }
  try {
    return new HeapGraph(JSON.parse(chunks.join('')));
  } catch (error) {
    return `the heap snapshot could not be read (${(error as Error).message})`;
  }
}

/**
 * The retainers of an object the line's function allocated that a program's variable keeps alive, of
 * the size closest to the line's largest kept allocation (the profiler's size can include a neighbour
 * allocated with it, such as an array's elements). The snapshot tells allocations apart by function
 * only, so two lines of one function keeping objects of one size share their sample.
 */
function sampleRetainers(graph: HeapGraph, tree: RetainerTree, line: KeptLine, byFunction: Map<string, number[]>, urlOf: (scriptId: string) => string | undefined): string[] | null {
  const ranked: Array<{ node: number; rank: number }> = [];
  for (const node of byFunction.get(functionKey(line.frame)) ?? []) {
    const rank = candidateRank(graph, node, line, urlOf);
    if (rank !== null) ranked.push({ node, rank });
  }
  ranked.sort((a, b) => a.rank - b.rank);
  for (const { node } of ranked) {
    const path = tree.pathTo(node);
    if (path && heldByVariable(path)) return describeRetainers(path);
  }
  return null;
}

/** Kinds of objects a program allocates (V8's own are compiled code, shapes, feedback: `system / ...`). */
const PROGRAM_KINDS = new Set(['object', 'closure', 'array', 'string', 'concatenated string', 'sliced string', 'regexp', 'number', 'bigint', 'native']);

/**
 * Lower is better; null for an object the program did not make (code V8 compiled meanwhile, a closure
 * of Node's). A closure defined on the line itself comes first, then a function's context for what
 * was charged to its entry, then sizes closest to the line's largest allocation.
 */
function candidateRank(graph: HeapGraph, node: number, line: KeptLine, urlOf: (scriptId: string) => string | undefined): number | null {
  const type = graph.type(node);
  const name = graph.name(node);
  const context = name === 'system / Context';
  if (!PROGRAM_KINDS.has(type) || (name.startsWith('system /') && !context)) return null;
  const distance = Math.abs(graph.selfSize(node) - line.largestBytes);
  if (type === 'closure') {
    const location = graph.closureLocation(node);
    const url = location ? urlOf(location.scriptId) : undefined;
    if (!location || url === undefined || url.startsWith('node:')) return null;
    if (location.scriptId === line.scriptId && location.lineNumber + 1 === line.line) return -2;
  }
  if (context && line.entry) return -1;
  return distance;
}

/** Tracked nodes by the program's innermost function on their allocation stack. */
function nodesByFunction(graph: HeapGraph): Map<string, number[]> {
  const byFunction = new Map<string, number[]>();
  for (let node = 0; node < graph.nodeCount; node++) {
    if (!graph.tracked(node)) continue;
    const stack = graph.allocationStack(node);
    if (isOwnAllocation(stack, isOwnFile)) continue;
    const frame = innermostFileFrame(stack)!;
    const key = functionKey(frame);
    const list = byFunction.get(key) ?? [];
    list.push(node);
    byFunction.set(key, list);
  }
  return byFunction;
}

export function* explainGrowth(growth: Growth): Generator<void, Explanation, IterationFigures> {
  const session = openInspectorSession();
  if (typeof session === 'string') return { lines: [], note: `lines not found: ${session}` };
  let marks: LineMarks | undefined;
  let sampling = false;
  let tracking = false;
  try {
    // Closures' source locations name scripts by id: Debugger.enable reports every script.
    const scripts = new Map<string, string>();
    session.on('Debugger.scriptParsed', (message) => {
      const { scriptId, url } = message.params as { scriptId: string; url: string };
      if (url) scripts.set(scriptId, url);
    });
    session.post('Debugger.enable');
    marks = new LineMarks(session);
    startSampling(session);
    sampling = true;
    marks.markIteration(0);
    // memprof's figures come from this iteration: in the next ones, marking allocates on every line.
    const unmarked = yield;
    forceCollection();
    for (const frame of allocatingFunctions(liveSamples(session), isOwnFile)) marks.watchFunction(frame);
    if (marks.watchedFunctions.size === 0) return { lines: [], note: 'lines not found: what grows was not allocated by JavaScript code of the program' };
    session.post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
    tracking = true;
    for (let iteration = 1; iteration <= WATCHED_ITERATIONS; iteration++) {
      marks.markIteration(iteration);
      yield;
    }
    marks.close();
    forceCollection();
    const kept = keptLines(liveSamples(session), marks, WATCHED_ITERATIONS, isOwnFile);
    stopSampling(session);
    sampling = false;
    marks.release();
    const graph = stopTrackingWithSnapshot(session);
    tracking = false;
    if (!kept) return { lines: [], note: 'lines not found: the allocation profile missed a mark' };
    const urlOf = (scriptId: string) => scripts.get(scriptId);
    const lines = leakLines(kept, unmarked, growth, graph, urlOf);
    return { lines, note: typeof graph === 'string' ? `no retainers: ${graph}` : coverageNote(lines, growth) };
  } finally {
    marks?.close();
    if (sampling) session.post('HeapProfiler.stopSampling');
    if (tracking) session.post('HeapProfiler.stopTrackingHeapObjects', { reportProgress: false });
    session.post('HeapProfiler.disable');
    session.post('Debugger.disable');
    session.close();
  }
}

/** Says so when the lines found keep much less than the growth (what is left is kept now and then, or by V8). */
function coverageNote(lines: readonly LeakLine[], growth: Growth): string | null {
  const found = lines.reduce((sum, line) => sum + line.bytesPerIteration, 0);
  if (lines.length > 0 && found >= growth.bytesPerIteration / 2) return null;
  const share = Math.round((found / growth.bytesPerIteration) * 100);
  return `the lines found keep ${share}% of the growth; the rest is not kept by any line at every call (kept every few calls, or by V8 itself)`;
}

function leakLines(
  kept: KeptLine[],
  figures: IterationFigures,
  growth: Growth,
  graph: HeapGraph | string,
  urlOf: (scriptId: string) => string | undefined,
): LeakLine[] {
  const describeLocation = (scriptId: string, lineNumber: number) => `${pathOf(urlOf(scriptId) ?? `script ${scriptId}`)}:${lineNumber + 1}`;
  // The last watched iteration's allocations have outlived nothing yet: they only help find objects.
  // A line that leaks keeps memory from every earlier one, about as much each time (an array it
  // pushes onto grows now and then, on top); what V8 compiles now and then while a function runs does not.
  const leaking = kept
    .filter((line) => line.keptBytes.slice(0, WATCHED_ITERATIONS - 1).every((bytes) => bytes > 0))
    .map((line) => {
      const earlier = line.keptBytes.slice(0, WATCHED_ITERATIONS - 1);
      const perIteration = median(earlier);
      return { line, perIteration, steady: earlier.filter((bytes) => bytes >= perIteration / 2).length / earlier.length };
    })
    .sort((a, b) => b.perIteration - a.perIteration);
  let retainers: Array<string[] | null> = leaking.map(() => null);
  if (typeof graph !== 'string') {
    const byFunction = nodesByFunction(graph);
    const tree = new RetainerTree(graph, describeLocation);
    retainers = leaking.map((entry) => sampleRetainers(graph, tree, entry.line, byFunction, urlOf));
  }
  return leaking.map(({ line, perIteration, steady }, index) => {
    const file = pathOf(line.url);
    return {
      file,
      line: line.line,
      source: sourceLine(file, line.line),
      function: line.functionName,
      bytesPerIteration: perIteration,
      confidence: growth.confidence * steady,
      allocatedBytesPerIteration: figures.lineAllocations.get(`${file}:${line.line}`) ?? null,
      entry: line.entry,
      retainers: retainers[index],
    };
  });
}
