// Worker threads get a sampler of their own only if memprof's hook loads in them. It does by default
// (a worker inherits NODE_OPTIONS and execArgv), but not in a worker given an `env` of its own without
// NODE_OPTIONS, nor one given an `execArgv` without `--require` when the hook came by execArgv. The
// Worker constructor is wrapped so that such workers get the hook and the sampling settings; and
// terminate() first asks the worker for its profile, since a terminated thread runs no 'exit' listener.
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import type * as WorkerThreads from 'node:worker_threads';
import { append, primordials } from '../shared/primordials';
import { HEAP_SAMPLING_ENV } from '../shared/record-channel';
import type { HeapSamplingSettings } from './settings';
import type { ThreadChannel } from './threads';

/** memprof's load hook (register/index.js), from dist/src/heap-sampling/. */
const REGISTER_ENTRY = join(__dirname, '..', '..', '..', 'register', 'index.js');

const WRAPPED = Symbol.for('memprof.heap-sampling.worker');

// A Worker is made while the program runs, its replaced methods in place: memprof's copies only.
const { ArrayPrototypeIndexOf, PromisePrototypeThen, ReflectApply, StringPrototypeIncludes } = primordials;

// The module's own exports object (an `import * as` would be a copy): replacing Worker there is what
// the program's later `require('node:worker_threads').Worker` reads.
const workerThreads = require('node:worker_threads') as typeof WorkerThreads;

type WorkerOptions = WorkerThreads.WorkerOptions & { env?: NodeJS.Dict<string> | typeof WorkerThreads.SHARE_ENV };

/** The variables that turn sampling on in a thread, as this one samples. */
function samplingEnvironment(settings: HeapSamplingSettings): Record<string, string> {
  return {
    [HEAP_SAMPLING_ENV.folder]: settings.folder,
    [HEAP_SAMPLING_ENV.interval]: String(settings.interval),
    [HEAP_SAMPLING_ENV.kind]: settings.kind,
    [HEAP_SAMPLING_ENV.signal]: settings.signal,
  };
}

const loadsHook = (nodeOptions: string | undefined): boolean => typeof nodeOptions === 'string' && StringPrototypeIncludes(nodeOptions, REGISTER_ENTRY);

const REQUIRE_HOOK = `--require ${JSON.stringify(REGISTER_ENTRY)}`;

/** The worker's options, changed only where the hook would otherwise not load in it. */
export function withHook(options: WorkerOptions | undefined, settings: HeapSamplingSettings, parentNodeOptions: string | undefined): WorkerOptions | undefined {
  const env = options?.env;
  if (env !== undefined && env !== null && typeof env === 'object') {
    if (loadsHook(env.NODE_OPTIONS) && env[HEAP_SAMPLING_ENV.folder]) return options;
    const nodeOptions = loadsHook(env.NODE_OPTIONS) ? env.NODE_OPTIONS : env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ${REQUIRE_HOOK}` : REQUIRE_HOOK;
    return { ...options, env: { ...env, ...samplingEnvironment(settings), NODE_OPTIONS: nodeOptions } };
  }
  const execArgv = options?.execArgv;
  if (execArgv && !loadsHook(parentNodeOptions) && ArrayPrototypeIndexOf(execArgv as string[], REGISTER_ENTRY) < 0) {
    const withRequire: string[] = [];
    for (let index = 0; index < execArgv.length; index++) append(withRequire, execArgv[index]);
    append(withRequire, '--require');
    append(withRequire, REGISTER_ENTRY);
    return { ...options, execArgv: withRequire };
  }
  return options;
}

export function wrapWorkers(settings: HeapSamplingSettings, channel: ThreadChannel): void {
  const Original = workerThreads.Worker;
  if ((Original as unknown as Record<symbol, boolean>)[WRAPPED] || !existsSync(REGISTER_ENTRY)) return;
  const parentNodeOptions = process.env.NODE_OPTIONS;
  const Wrapped = new Proxy(Original, {
    construct(target, args: unknown[], newTarget) {
      // Only the options change; the arguments are not iterated (the program may have replaced that).
      const changed: unknown[] = [];
      for (let index = 0; index < args.length; index++) append(changed, index === 1 ? withHook(args[1] as WorkerOptions | undefined, settings, parentNodeOptions) : args[index]);
      return Reflect.construct(target, changed, newTarget);
    },
    get(target, key, receiver) {
      return key === WRAPPED ? true : Reflect.get(target, key, receiver);
    },
  });
  const terminate = Original.prototype.terminate;
  Original.prototype.terminate = function (this: WorkerThreads.Worker) {
    const args = arguments;
    // -1 once the worker has stopped: nothing to ask it then.
    if (this.threadId < 0) return ReflectApply(terminate, this, args);
    return PromisePrototypeThen(channel.profileOfWorker(this.threadId), () => ReflectApply(terminate, this, args));
  };
  Object.defineProperty(workerThreads, 'Worker', { value: Wrapped, writable: true, configurable: true, enumerable: true });
  // `import { Worker } from 'node:worker_threads'` reads a copy of the exports: bring it up to date.
  nodeModule.syncBuiltinESMExports();
}
