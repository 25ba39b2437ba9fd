// Once the fit says memory grows: which lines keep it. A few more iterations run watched: after one
// that lets the debugger settle, one finds the functions whose allocations survive it; every breakable location of those gets a mark
// (line-marks.ts); then WATCHED_ITERATIONS more run with every allocation sampled in order
// (allocation-samples.ts) and tracked with its stack. An allocation made in one of them and still alive
// after the later ones is kept memory, charged to its line (attribution.ts); the heap snapshot taken
// at the end gives a sample object's retainers (sample-objects.ts). All of it is memprof's own work,
// hidden from every figure but the iterations'. Written as a generator: each `yield` asks the leak
// finder to run one iteration (sync or async) and hands back its figures.
import { forceCollection, hideOwnAllocations } from '../../runtime/metrics';
import { allocatingFunctions, keptLines, type KeptLine } from './attribution';
import { liveSamples, startSampling, stopSampling } from './allocation-samples';
import type { Growth } from './growth';
import { HeapGraph } from './heap-graph';
import { openInspectorSession, type InspectorSession } from './inspector';
import type { LeakLine } from './leak-report';
import { coverageNote, leakingLines, toLeakLines, type IterationFigures } from './leak-lines';
import { LineMarks } from './line-marks';
import { isOwnFile } from './own-files';
import { sampleRetainers } from './sample-objects';
import { ScriptCatalog } from './scripts';

export type { IterationFigures };

/** Iterations whose allocations are charged to lines; all but the last have outlived a later one. */
export const WATCHED_ITERATIONS = 4;

/** Earlier watched iterations (all but the last) that could be charged to lines. */
function earlierUsable(kept: readonly KeptLine[]): number {
  return kept[0].keptBytes.slice(0, WATCHED_ITERATIONS - 1).filter((bytes) => bytes !== null).length;
}

export interface Explanation {
  lines: LeakLine[];
  note: string | null;
}

/** The inspector's view of the watched iterations: scripts, marks, sampling and tracking, and their cleanup. */
class Watch {
  private sampling = false;
  private tracking = false;
  readonly scripts: ScriptCatalog;
  readonly marks: LineMarks;

  constructor(private readonly session: InspectorSession) {
    // Debugger.enable reports every script: their URLs and source maps name lines in the user's files.
    this.scripts = new ScriptCatalog(session);
    session.post('Debugger.enable');
    const scripts = this.scripts;
    this.marks = new LineMarks(session, (scriptId, lineNumber, columnNumber) => scripts.originalLine(scriptId, lineNumber, columnNumber));
  }

  startSampling(): void {
    startSampling(this.session);
    this.sampling = true;
  }

  /** After the first watched iteration: marks the functions whose allocations it left alive. */
  watchSurvivors(): boolean {
    forceCollection();
    for (const frame of allocatingFunctions(liveSamples(this.session), isOwnFile)) this.marks.watchFunction(frame);
    if (this.marks.watchedFunctions.size === 0) return false;
    this.session.post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
    this.tracking = true;
    return true;
  }

  explain(measured: IterationFigures, growth: Growth): Explanation {
    this.marks.close();
    forceCollection();
    const scripts = this.scripts;
    const kept = keptLines(liveSamples(this.session), this.marks, WATCHED_ITERATIONS, isOwnFile, (frame) =>
      scripts.originalLine(frame.scriptId, frame.lineNumber, frame.columnNumber),
    );
    stopSampling(this.session);
    this.sampling = false;
    this.marks.release();
    const graph = this.stopTrackingWithSnapshot();
    if (kept.length > 0 && earlierUsable(kept) < 2) return { lines: [], note: 'lines not found: the allocation profile missed marks in the watched iterations' };
    const leaking = leakingLines(kept, WATCHED_ITERATIONS - 1);
    const retainers = typeof graph === 'string' ? [] : sampleRetainers(graph, leaking.map((entry) => entry.line), scripts);
    const lines = toLeakLines(leaking, retainers, measured, growth);
    return { lines, note: typeof graph === 'string' ? `no retainers: ${graph}` : coverageNote(lines, growth) };
  }

  /** Reads the snapshot V8 sends in chunks when tracking stops. */
  private stopTrackingWithSnapshot(): HeapGraph | string {
    const chunks: string[] = [];
    const listener = (message: { params: unknown }) => chunks.push((message.params as { chunk: string }).chunk);
    this.session.on('HeapProfiler.addHeapSnapshotChunk', listener);
    try {
      this.tracking = false;
      this.session.post('HeapProfiler.stopTrackingHeapObjects', { reportProgress: false });
    } finally {
      this.session.off('HeapProfiler.addHeapSnapshotChunk', listener);
    }
    try {
      return new HeapGraph(JSON.parse(chunks.join('')));
    } catch (error) {
      return `the heap snapshot could not be read (${(error as Error).message})`;
    }
  }

  close(): void {
    this.marks.close();
    this.scripts.close();
    if (this.sampling) stopSampling(this.session);
    if (this.tracking) this.session.post('HeapProfiler.stopTrackingHeapObjects', { reportProgress: false });
    this.session.post('HeapProfiler.disable');
    this.session.post('Debugger.disable');
    this.session.close();
  }
}

export function* explainGrowth(growth: Growth, measured: IterationFigures): Generator<void, Explanation, IterationFigures> {
  const session = hideOwnAllocations(openInspectorSession);
  if (typeof session === 'string') return { lines: [], note: `lines not found: ${session}` };
  const watch = hideOwnAllocations(() => new Watch(session));
  try {
    // A first call with the debugger on: functions get their debugging copies now, not during the
    // iteration that finds which functions keep memory (those copies would look kept).
    yield;
    hideOwnAllocations(() => {
      watch.startSampling();
      watch.marks.markIteration(0);
    });
    yield;
    if (!hideOwnAllocations(() => watch.watchSurvivors())) return { lines: [], note: 'lines not found: what grows was not allocated by JavaScript code of the program' };
    for (let iteration = 1; iteration <= WATCHED_ITERATIONS; iteration++) {
      hideOwnAllocations(() => watch.marks.markIteration(iteration));
      yield;
    }
    return hideOwnAllocations(() => watch.explain(measured, growth));
  } finally {
    hideOwnAllocations(() => watch.close());
  }
}
