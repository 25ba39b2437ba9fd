// The function-marker channel of `memprof run`. When `MEMPROF_RECORD_FILE` is set (memprof run sets it
// for the program and, through the environment, for all its children), every profiled call appends one
// line to that `.dat` file when it ends: name, memory and time at entry and exit, nesting level. In
// the recorded process it is mprof's `FUNC` line; in any other process a `CHLDFUNC <pid>` line (mprof
// ignores those: it would draw their memory on the main process' line). Before it, memprof's `CALL`
// line: the call's id, its real caller's (so that the flame view nests concurrent requests' calls
// under their own request), its function's file and line. Each call's lines are one write to a file
// opened with O_APPEND, so lines from many processes and the sampler's own lines never mix.
//
// The entry points install this subscriber (reporters/defaults.ts) once per process, whichever way
// `profile` was obtained (the load hook's global, or imported from memprof, from any copy of it).
import type { CallListener, CallStart } from '../runtime/call-events';
import { RECORD_ENV } from '../shared/record-channel';
import { funcLine, type CallContext } from '../shared/dat-lines';
import { BYTES_PER_MIB } from '../shared/units';
import { epochMs } from '../runtime/clock';
import { environment, primordials } from '../shared/primordials';

const { BufferFrom, NumberCtor, SafeMap, fsOpenSync, fsWriteBytesSync, processOn, processRss, stderrWrite } = primordials;

interface OpenCall {
  name: string;
  mem0: number;
  t0: number;
  level: number;
  context: CallContext;
}

interface SharedChannel {
  file: string;
  fd: number | undefined;
  failed: boolean;
  open: Map<CallStart, OpenCall>;
  /** Undefined in the recorded process (FUNC lines), this process' pid in any other (CHLDFUNC lines). */
  pid: number | undefined;
  /** This thread's id: call ids are unique per thread (each thread has its own runtime and channel). */
  thread: number;
  memory: () => number;
  listener: CallListener;
}

const CHANNEL_KEY = Symbol.for('memprof.recording');

function nowSeconds(): number {
  return epochMs() / 1000;
}

/** Memory in MiB, measured as the sampler measures the process' line. */
function memoryReader(): () => number {
  const backend = environment(RECORD_ENV.backend);
  const measure = backend === 'pss' || backend === 'uss' ? backend : 'rss';
  const withChildren = environment(RECORD_ENV.includeChildren) === '1';
  if (measure === 'rss' && !withChildren) return () => processRss() / BYTES_PER_MIB;
  // Only these rarer modes need /proc parsing: load it only then.
  const { processMemory } = require('../record/proc/reads') as typeof import('../record/proc/reads');
  const { descendants } = require('../record/proc/scans') as typeof import('../record/proc/scans');
  return () => {
    let bytes = processMemory(process.pid, measure) ?? 0;
    if (withChildren) {
      const pids = descendants(process.pid);
      for (let index = 0; index < pids.length; index++) bytes += processMemory(pids[index], measure) ?? 0;
    }
    return bytes / BYTES_PER_MIB;
  };
}

/** worker_threads' id of this thread (0 in the main thread), read once, when the channel opens. */
function threadId(): number {
  const { threadId: id } = require('node:worker_threads') as typeof import('node:worker_threads');
  return typeof id === 'number' ? id : 0;
}

function writeLine(channel: SharedChannel, call: OpenCall, mem1: number, t1: number): void {
  if (channel.failed) return;
  const line = funcLine({ name: call.name, mem0: call.mem0, t0: call.t0, mem1, t1, level: call.level, pid: channel.pid, context: call.context });
  try {
    channel.fd ??= fsOpenSync(channel.file, 'a');
    const bytes = BufferFrom(line, 'utf8');
    // One write per line (O_APPEND keeps lines of several processes apart). A short write means the
    // disk is full: the rest of the line is not written after it, so that no torn line follows; the
    // recording keeps every whole line written before.
    const written = fsWriteBytesSync(channel.fd, bytes, 0, bytes.length);
    if (written < bytes.length) throw new Error(`only ${written} of ${bytes.length} bytes written (disk full?)`);
  } catch (error) {
    channel.failed = true;
    stderrWrite(`memprof: cannot write function markers to ${channel.file}: ${(error as Error).message}; no more markers from process ${process.pid}\n`);
  }
}

function createChannel(file: string): SharedChannel {
  const recorder = NumberCtor(environment(RECORD_ENV.parent));
  const channel: SharedChannel = {
    file,
    fd: undefined,
    failed: false,
    open: new SafeMap(),
    pid: process.ppid === recorder ? undefined : process.pid,
    thread: threadId(),
    memory: memoryReader(),
    listener: {
      started(call) {
        // Every copy of memprof may announce the same call (when they share their listeners): once.
        if (channel.open.has(call)) return;
        const context: CallContext = { thread: channel.thread, id: call.id, parent: call.parentId, file: call.file, line: call.line };
        channel.open.set(call, { name: call.functionName, mem0: channel.memory(), t0: nowSeconds(), level: call.depth, context });
      },
      ended(call) {
        const open = channel.open.get(call);
        if (!open) return;
        channel.open.delete(call);
        writeLine(channel, open, channel.memory(), nowSeconds());
      },
    },
  };
  // A call still running when the process exits (process.exit() inside it, say) ends there.
  processOn(process, 'exit', () => {
    const t1 = nowSeconds();
    const mem1 = channel.memory();
    channel.open.forEach((open) => writeLine(channel, open, mem1, t1));
    channel.open.clear();
  });
  return channel;
}

/**
 * The marker writer for `memprof run`'s channel (MEMPROF_RECORD_FILE), or undefined when the process
 * is not being recorded. One per process, shared by every copy of memprof.
 */
export function recordingMarkers(): CallListener | undefined {
  const file = environment(RECORD_ENV.file);
  if (!file) return undefined;
  const global = globalThis as Record<symbol, SharedChannel | undefined>;
  return (global[CHANNEL_KEY] ??= createChannel(file)).listener;
}
