// A recording as a plot needs it: each series as a SampleEnvelope (all its samples while they are few,
// a few points per time bucket past that), and the calls. Read from a file as a stream, so that the
// memory taken is the envelopes' (bounded) and the calls', whatever the file's size; or made from a
// recording already held in memory.
import { scanDatFile, type DatScan } from '../record/dat-scan';
import type { DatFile, FuncRecord } from '../record/dat';
import type { RecordingMeasure } from '../shared/dat-lines';
import { SampleEnvelope } from './envelope';

export interface PlotRecording {
  filename: string;
  cmdline: string | undefined;
  /** What MEM and CHLD lines measure (the MEASURE line), when the file says. */
  measure?: RecordingMeasure;
  /** MEM samples. */
  mem: SampleEnvelope;
  /** CHLD samples by pid, in the order of each pid's first line. */
  children: Map<number, SampleEnvelope>;
  funcs: FuncRecord[];
}

function emptyRecording(filename: string): PlotRecording {
  return { filename, cmdline: undefined, mem: new SampleEnvelope(), children: new Map(), funcs: [] };
}

function addChild(recording: PlotRecording, pid: number, time: number, mib: number): void {
  let series = recording.children.get(pid);
  if (!series) recording.children.set(pid, (series = new SampleEnvelope()));
  series.add(time, mib);
}

/** The plot's view of a recording held in memory. */
export function recordingOf(file: DatFile): PlotRecording {
  const recording = emptyRecording(file.filename);
  recording.cmdline = file.cmdline;
  recording.measure = file.measure;
  for (const sample of file.mem) recording.mem.add(sample.time, sample.mib);
  for (const [pid, samples] of file.children) for (const sample of samples) addChild(recording, pid, sample.time, sample.mib);
  recording.funcs = file.funcs;
  return recording;
}

/** Reads the file at `path` as a stream into a PlotRecording named `filename`. Unreadable: DatError. */
export function readRecording(path: string, filename = path): { recording: PlotRecording; scan: DatScan } {
  const recording = emptyRecording(filename);
  const scan = scanDatFile(
    path,
    {
      mem: (mib, time) => recording.mem.add(time, mib),
      child: (pid, mib, time) => addChild(recording, pid, time, mib),
      func: (call) => recording.funcs.push(call),
    },
    filename,
  );
  recording.cmdline = scan.cmdline;
  recording.measure = scan.measure;
  return { recording, scan };
}
