// A pprof profile (github.com/google/pprof, proto/profile.proto) of the heap profiles and of
// memprof's line data, gzipped, as `go tool pprof` and the continuous-profiling backends read it.
// Sample types, each present only when something measured it:
//   alloc_space       bytes the V8 samples stand for, objects collected later included (--heap-sampling)
//   inuse_space       bytes of the sampled objects still alive when the profile was written (--heap-live)
//   line_alloc_space  bytes each line of a profiled function allocated (memprof's line profiler: exact,
//                     not sampled; a type of its own, since it counts the same allocations again)
// A heap sample's stack is its frames, leaf first; a line sample's is the one line. Labels: pid and
// thread of the heap samples.
import { gzipSync } from 'node:zlib';
import type { Frame } from './frames';
import type { LineAllocation } from './line-data';
import { AllocationsError, type AllocationProfile } from './profile-files';
import { MessageWriter } from './protobuf';

// Field numbers of profile.proto.
const PROFILE = { sampleType: 1, sample: 2, location: 4, function: 5, stringTable: 6, timeNanos: 9, durationNanos: 10, periodType: 11, period: 12, comment: 13, defaultSampleType: 14 };
const VALUE_TYPE = { type: 1, unit: 2 };
const SAMPLE = { locationId: 1, value: 2, label: 3 };
const LABEL = { key: 1, str: 2, num: 3 };
const LOCATION = { id: 1, line: 4 };
const LINE = { functionId: 1, line: 2, column: 3 };
const FUNCTION = { id: 1, name: 2, systemName: 3, filename: 4, startLine: 5 };

type SampleType = 'alloc_space' | 'inuse_space' | 'line_alloc_space';

interface PendingSample {
  locations: number[];
  type: SampleType;
  bytes: number;
  labels: Array<{ key: string; num?: number; str?: string }>;
}

class ProfileBuilder {
  private readonly strings = new Map<string, number>([['', 0]]);
  private readonly functions = new Map<string, { id: number; name: number; file: number; startLine: number }>();
  private readonly locations = new Map<string, { id: number; functionId: number; line: number; column: number }>();
  readonly samples: PendingSample[] = [];

  string(text: string): number {
    let id = this.strings.get(text);
    if (id === undefined) {
      id = this.strings.size;
      this.strings.set(text, id);
    }
    return id;
  }

  location(name: string, file: string, startLine: number, line: number, column: number): number {
    const functionKey = `${name}\u0000${file}\u0000${startLine}`;
    let fn = this.functions.get(functionKey);
    if (!fn) {
      fn = { id: this.functions.size + 1, name: this.string(name), file: this.string(file), startLine };
      this.functions.set(functionKey, fn);
    }
    const locationKey = `${fn.id}\u0000${line}\u0000${column}`;
    let location = this.locations.get(locationKey);
    if (!location) {
      location = { id: this.locations.size + 1, functionId: fn.id, line, column };
      this.locations.set(locationKey, location);
    }
    return location.id;
  }

  encode(types: readonly SampleType[], meta: { timeNanos: number; durationNanos: number; period: number; comments: string[] }): Uint8Array {
    const writer = new MessageWriter();
    const typeIds = types.map((type) => ({ type: this.string(type), unit: this.string('bytes') }));
    const labelled = this.samples.map((sample) => ({
      ...sample,
      labels: sample.labels.map((label) => ({ key: this.string(label.key), str: label.str !== undefined ? this.string(label.str) : 0, num: label.num ?? 0 })),
    }));
    const periodType = { type: this.string('space'), unit: this.string('bytes') };
    const comments = meta.comments.map((comment) => this.string(comment));
    const defaultType = this.string(types[0]);
    for (const type of typeIds) writer.message(PROFILE.sampleType, (m) => m.int(VALUE_TYPE.type, type.type).int(VALUE_TYPE.unit, type.unit));
    for (const sample of labelled) {
      writer.message(PROFILE.sample, (m) => {
        m.packed(SAMPLE.locationId, sample.locations);
        m.packed(SAMPLE.value, types.map((type) => (type === sample.type ? sample.bytes : 0)));
        for (const label of sample.labels) m.message(SAMPLE.label, (l) => l.int(LABEL.key, label.key).int(LABEL.str, label.str).int(LABEL.num, label.num));
      });
    }
    for (const location of this.locations.values()) {
      writer.message(PROFILE.location, (m) =>
        m.int(LOCATION.id, location.id).message(LOCATION.line, (l) => l.int(LINE.functionId, location.functionId).int(LINE.line, location.line).int(LINE.column, location.column)),
      );
    }
    for (const fn of this.functions.values()) {
      writer.message(PROFILE.function, (m) => m.int(FUNCTION.id, fn.id).int(FUNCTION.name, fn.name).int(FUNCTION.systemName, fn.name).int(FUNCTION.filename, fn.file).int(FUNCTION.startLine, fn.startLine));
    }
    for (const text of this.strings.keys()) writer.string(PROFILE.stringTable, text);
    writer.int(PROFILE.timeNanos, meta.timeNanos).int(PROFILE.durationNanos, meta.durationNanos);
    writer.message(PROFILE.periodType, (m) => m.int(VALUE_TYPE.type, periodType.type).int(VALUE_TYPE.unit, periodType.unit));
    writer.int(PROFILE.period, meta.period);
    writer.packed(PROFILE.comment, comments);
    writer.int(PROFILE.defaultSampleType, defaultType);
    return writer.finish();
  }
}

/** How pprof names a frame: the function, or what it is when V8 gave no name. */
function functionName(frame: Frame): string {
  if (frame.name !== '') return frame.name;
  return frame.line <= 1 ? '(top level)' : '(anonymous)';
}

export interface PprofInput {
  profiles: readonly AllocationProfile[];
  lines: readonly LineAllocation[];
}

/** The gzipped profile; throws when there is nothing to put in it. */
export function encodePprof({ profiles, lines }: PprofInput): Buffer {
  const builder = new ProfileBuilder();
  const comments: string[] = [];
  for (const profile of profiles) {
    const { meta } = profile;
    const type: SampleType = meta.kind === 'allocated' ? 'alloc_space' : 'inuse_space';
    comments.push(`pid ${meta.pid}${meta.threadId ? ` thread ${meta.threadId}` : ''} (${meta.argv.slice(1).join(' ')}): ${type}, one sample every ${meta.samplingInterval} bytes on average, ${meta.reason}${meta.snapshot ? ` ${meta.snapshot}` : ''}`);
    const locations = profile.frames.map((frame) => builder.location(functionName(frame), frame.file, frame.line, frame.line, frame.column));
    const stacks: number[][] = new Array(profile.nodes.length);
    profile.nodes.forEach((node, index) => {
      // The root ("(root)") is not a frame: stacks start below it.
      stacks[index] = node.parent < 0 ? [] : [locations[node.frame], ...stacks[node.parent]];
      if (node.selfBytes <= 0 || node.parent < 0) return;
      const labels: PendingSample['labels'] = [{ key: 'pid', num: meta.pid }];
      if (meta.threadId) labels.push({ key: 'thread', num: meta.threadId });
      builder.samples.push({ locations: stacks[index], type, bytes: node.selfBytes, labels });
    });
  }
  for (const line of lines) {
    if (line.allocatedBytes <= 0) continue;
    builder.samples.push({ locations: [builder.location(line.function, line.file, line.firstLine, line.line, 0)], type: 'line_alloc_space', bytes: line.allocatedBytes, labels: [] });
  }
  if (lines.length > 0) comments.push(`line_alloc_space: ${lines.length} lines of profiled functions, from memprof's line profiler`);
  const types = (['alloc_space', 'inuse_space', 'line_alloc_space'] as const).filter((type) => builder.samples.some((sample) => sample.type === type));
  if (types.length === 0) throw new AllocationsError('nothing was allocated in what was given: no sample to write');
  const started = profiles.length > 0 ? Math.min(...profiles.map((profile) => profile.meta.startedAt)) : Date.now();
  const ended = profiles.length > 0 ? Math.max(...profiles.map((profile) => profile.meta.writtenAt)) : started;
  const encoded = builder.encode(types, {
    timeNanos: started * 1e6,
    durationNanos: (ended - started) * 1e6,
    period: profiles[0]?.meta.samplingInterval ?? 0,
    comments,
  });
  return gzipSync(encoded);
}
