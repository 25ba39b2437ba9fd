// `memprof attach <pid|name>`: records a running process until it exits, --timeout passes, or memprof
// is interrupted (Ctrl-C ends the recording, not the process). No markers: the process was not
// started with the recording channel in its environment.
import { closeSync } from 'node:fs';
import { cmdlineLine, measureLine } from '../shared/dat-lines';
import { FORWARDED_SIGNALS } from './launch';
import { discardOutput, displayPath, openOutput, writeHeader } from './output-file';
import { processArguments, processExists } from './proc/reads';
import { findProcessByName } from './proc/scans';
import { checkRecordingSupport, RecordError, type RecordOptions } from './record-options';
import { RecordingLoop } from './recording-loop';

/** The pid of `target`: a pid, or the first process whose name contains it. */
function findTarget(target: string): number {
  let pid: number;
  if (/^\d+$/.test(target)) {
    pid = Number(target);
    if (!processExists(pid)) throw new RecordError(`no process with pid ${target}`, 1);
  } else {
    const found = findProcessByName(target);
    if (found === undefined) throw new RecordError(`no process whose name contains "${target}"`, 1);
    pid = found;
  }
  if (pid === process.pid) throw new RecordError('memprof cannot record itself', 1);
  return pid;
}

/** Records process `target` (a pid or a name); resolves 0 when the recording ends. */
export function recordAttached(target: string, options: RecordOptions): Promise<number> {
  const sink = options.stderr ?? process.stderr;
  checkRecordingSupport(options);
  const pid = findTarget(target);
  const output = openOutput(options.output, process.cwd());
  writeHeader(output, cmdlineLine(processArguments(pid) ?? [target]) + measureLine({ backend: options.backend, scope: options.includeChildren ? 'tree' : 'process' }));
  return new Promise((resolvePromise, reject) => {
    let recording: RecordingLoop;
    let done = false;
    const finish = (reason: 'exited' | 'timeout' | 'interrupted'): void => {
      if (done) return;
      done = true;
      for (const signal of FORWARDED_SIGNALS) process.off(signal, interrupt);
      recording.stop();
      closeSync(output.fd);
      const why = reason === 'exited' ? `process ${pid} exited` : reason === 'timeout' ? `--timeout ${options.timeout} s reached` : 'interrupted';
      sink.write(`memprof: ${why}\n`);
      sink.write(recording.summary());
      if (options.selfStats) sink.write(recording.selfStats());
      resolvePromise(0);
    };
    const interrupt = (): void => finish('interrupted');
    try {
      recording = new RecordingLoop(pid, output, options, sink, finish);
    } catch (error) {
      discardOutput(output);
      reject(new RecordError(`cannot record process ${pid}: ${(error as Error).message}`, 1));
      return;
    }
    sink.write(`memprof: recording process ${pid} every ${options.interval} s into ${displayPath(output.path)}\n`);
    for (const signal of FORWARDED_SIGNALS) process.once(signal, interrupt);
    recording.start();
  });
}
