// `memprof run <command>`: starts the command with the recording channel in its environment (so that
// profiled functions, in it and in its children, append their markers) and records it until it exits.
// The program is transparent: same stdin/stdout/stderr, signals forwarded, its exit code passed on.
import { closeSync, mkdirSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cmdlineLine, measureLine } from '../shared/dat-lines';
import { HEAP_SAMPLING_ENV, RECORD_ENV } from '../shared/record-channel';
import { parseProfileFileName, profileFolderFor } from '../heap-sampling/profile-format';
import { CommandNotFoundError, resolveCommand } from './command';
import { launch, LaunchError, type Launched } from './launch';
import { discardOutput, displayPath, openOutput, writeHeader, type OutputFile } from './output-file';
import { checkRecordingSupport, RecordError, type RecordOptions } from './record-options';
import { RecordingLoop } from './recording-loop';
import { readDat } from './dat';
import { procAvailable } from './proc/backends';

/** What profiled processes read to write their markers into `output` (src/shared/record-channel.ts). */
/**
 * Without /proc (macOS, Windows), or with MEMPROF_RECORD_SAMPLING=self, memprof cannot sample the tree
 * from outside: each Node process samples itself instead (src/reporters/self-sampler.ts).
 */
export function samplesItself(options: RecordOptions): boolean {
  return process.env.MEMPROF_RECORD_SAMPLING === 'self' || (options.backend === 'rss' && !procAvailable());
}

function channelEnvironment(output: OutputFile, options: RecordOptions, profileFolder: string | undefined): Record<string, string | undefined> {
  const heap = options.heapSampling;
  const selfSampling = samplesItself(options);
  return {
    ...(selfSampling
      ? {
          [RECORD_ENV.selfInterval]: String(options.interval),
          [RECORD_ENV.multiprocess]: options.multiprocess ? '1' : undefined,
          [RECORD_ENV.selfUntil]: options.timeout === undefined ? undefined : String(Date.now() + options.timeout * 1000),
        }
      : {}),
    [RECORD_ENV.file]: output.path,
    [RECORD_ENV.parent]: String(process.pid),
    [RECORD_ENV.backend]: options.backend,
    [RECORD_ENV.includeChildren]: options.includeChildren ? '1' : undefined,
    // Calls only unless --lines (or the user's own MEMPROF_LINES): see src/runtime/options.ts.
    MEMPROF_LINES: options.lines ? '1' : (process.env.MEMPROF_LINES ?? '0'),
    ...(options.requests ? { MEMPROF_REQUESTS: '1' } : {}),
    ...(heap && profileFolder
      ? {
          [HEAP_SAMPLING_ENV.folder]: profileFolder,
          [HEAP_SAMPLING_ENV.interval]: String(heap.interval),
          [HEAP_SAMPLING_ENV.kind]: heap.kind,
          [HEAP_SAMPLING_ENV.signal]: heap.signal,
        }
      : {}),
  };
}

/** The recording's profile folder, made, and emptied of the profiles of an earlier recording of that name. */
function prepareProfileFolder(recording: string): string {
  const folder = profileFolderFor(recording);
  try {
    mkdirSync(folder, { recursive: true });
    for (const name of readdirSync(folder)) if (parseProfileFileName(name)) unlinkSync(join(folder, name));
  } catch (error) {
    throw new RecordError(`cannot make the heap profile folder ${displayPath(folder)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 1);
  }
  return folder;
}

/** A recording that could not start leaves no folder either (it is still empty then). */
function discardProfileFolder(folder: string | undefined): void {
  if (!folder) return;
  try {
    rmdirSync(folder);
  } catch {
    // not empty (something else is in it), or already gone
  }
}

function profilesSummary(folder: string): string {
  let names: string[] = [];
  try {
    names = readdirSync(folder).filter((name) => parseProfileFileName(name));
  } catch {
    // removed meanwhile: counted as none
  }
  const threads = new Set(names.map((name) => name.replace(/\.snapshot-\d+(?=\.heapprofile$)/, '')));
  if (names.length === 0) return `memprof: no heap profile was written into ${displayPath(folder)}/ (no Node process ran with the hook?)\n`;
  return `memprof: heap profiles of ${threads.size} thread${threads.size === 1 ? '' : 's'} (${names.length} file${names.length === 1 ? '' : 's'}) in ${displayPath(folder)}/: memprof plot --allocations\n`;
}


/** The closing line of a recording its processes made themselves: samples and peak, from the file. */
function selfSampledSummary(output: OutputFile): string {
  const dat = readDat(output.path);
  let peak = 0;
  for (const sample of dat.mem) if (sample.mib > peak) peak = sample.mib;
  const processes = dat.children.size > 0 ? `, ${1 + dat.children.size} processes` : '';
  return `memprof: ${dat.mem.length} sample${dat.mem.length === 1 ? '' : 's'} (peak ${peak.toFixed(1)} MiB${processes}) in ${displayPath(output.path)}\n`;
}

/**
 * Starts the command, records it until it exits, resolves the exit code to use (the program's, or
 * 128+signal). Throws (or rejects with) RecordError for what prevents recording.
 */
export function recordCommand(argv: readonly string[], options: RecordOptions): Promise<number> {
  const sink = options.stderr ?? process.stderr;
  const selfSampling = samplesItself(options);
  if (!selfSampling) checkRecordingSupport(options);
  else if (!options.hook) throw new RecordError('recording without /proc needs the hook in every Node process: drop --no-hook', 2);
  else if (options.backend !== 'rss') {
    // Each process reads its own resident set (process.memoryUsage.rss()): there is no pss or uss to read.
    throw new RecordError(`--backend ${options.backend} needs /proc: without it each Node process samples its own resident set (--backend rss)`, 2);
  }
  let command;
  try {
    command = resolveCommand(argv);
  } catch (error) {
    if (error instanceof CommandNotFoundError) throw new RecordError(error.message, error.exitCode);
    throw error;
  }
  const output = openOutput(options.output, process.cwd());
  // A process sampling itself measures itself alone: MEM is the recorded process, whatever -C says.
  const scope = options.includeChildren && !selfSampling ? 'tree' : 'process';
  writeHeader(output, cmdlineLine(argv) + measureLine({ backend: options.backend, scope }));
  let profileFolder: string | undefined;
  try {
    profileFolder = options.heapSampling ? prepareProfileFolder(output.path) : undefined;
  } catch (error) {
    discardOutput(output);
    throw error;
  }

  let launched: Launched;
  try {
    launched = launch(command.file, command.args, {
      name: argv[0],
      argv0: command.nodeScript ? undefined : argv[0],
      env: channelEnvironment(output, options, profileFolder),
      hookNodeOptions: options.hook,
    });
  } catch (error) {
    discardOutput(output);
    discardProfileFolder(profileFolder);
    throw error instanceof LaunchError ? new RecordError(error.message, error.exitCode) : error;
  }

  return new Promise((resolvePromise, reject) => {
    let recording: RecordingLoop | undefined;
    let selfTimeout: NodeJS.Timeout | undefined;
    launched.exited.then(
      (exitCode) => {
        if (selfSampling) {
          clearTimeout(selfTimeout);
          closeSync(output.fd);
          sink.write(selfSampledSummary(output));
          if (profileFolder) sink.write(profilesSummary(profileFolder));
          if (options.selfStats) sink.write('memprof: --self-stats: no recording loop to report on: each Node process sampled itself, in a thread of its own\n');
          resolvePromise(exitCode);
          return;
        }
        if (!recording) return; // it could not record: already rejected
        recording.stop();
        closeSync(output.fd);
        sink.write(recording.summary());
        if (profileFolder) sink.write(profilesSummary(profileFolder));
        if (options.selfStats) sink.write(recording.selfStats());
        resolvePromise(exitCode);
      },
      (error: LaunchError) => {
        // Only spawn failures reach here (the command vanished, or is not executable after all).
        recording?.stop();
        discardOutput(output);
        discardProfileFolder(profileFolder);
        reject(new RecordError(error.message, error.exitCode));
      },
    );
    if (launched.pid === undefined) return;
    sink.write(`memprof: recording ${command.nodeScript ? basename(command.args[0]) : argv[0]} every ${options.interval} s into ${displayPath(output.path)}\n`);
    if (profileFolder && options.heapSampling) {
      sink.write(`memprof: heap sampling every ${options.heapSampling.interval} bytes (${options.heapSampling.kind}) into ${displayPath(profileFolder)}/; snapshot: memprof snapshot ${launched.pid}\n`);
    }
    if (selfSampling) {
      sink.write(
        `memprof: no /proc here: each Node process samples itself${options.includeChildren ? ' (-C: MEM is the recorded process alone; its children are CHLD lines with -M)' : ''}\n`,
      );
      // The processes stop sampling at the deadline they were given (RECORD_ENV.selfUntil); this says when.
      if (options.timeout !== undefined) {
        selfTimeout = setTimeout(() => sink.write(`memprof: --timeout ${options.timeout} s reached: recording stopped; waiting for the program to exit\n`), options.timeout * 1000);
        selfTimeout.unref();
      }
      return;
    }
    try {
      recording = new RecordingLoop(launched.pid, output, options, sink, (reason) => {
        if (reason === 'timeout') {
          sink.write(`memprof: --timeout ${options.timeout} s reached: recording stopped; waiting for the program to exit\n`);
        }
      });
    } catch (error) {
      launched.child.kill('SIGKILL');
      closeSync(output.fd);
      reject(new RecordError((error as Error).message, 1));
      return;
    }
    recording.start();
  });
}
