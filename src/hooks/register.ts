// `memprof/register`: makes `profile` a global (no import needed, like `python -m memory_profiler`) and
// installs the load hooks, so that every marked function is profiled line by line.
// Everything here is loaded by every program run with the hook, marked or not: keep it light, and
// load the runtime and the compiler only when a program needs them.
import { environmentDefaults, ProfileOptionsError } from '../runtime/options';
import { installRequireHook } from './require-hook';
import { includedFiles } from './included-files';
import { RUNTIME_MODULE } from '../runtime/location';
import { enableSourceMaps } from './source-maps';
import { isTypeScriptFile } from '../instrument/file-kinds';
import { isEsmEntry } from './module-format';
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import type { EsmHookData } from './esm-hooks';

const HOOK_FLAG = Symbol.for('memprof.hook');


export function register(): void {
  const global = globalThis as Record<symbol | string, unknown>;
  if (global[HOOK_FLAG]) return;
  checkEnvironment();
  global[HOOK_FLAG] = true;
  if (process.env.MEMPROF_HEAP_PROFILES) (require('../heap-sampling') as typeof import('../heap-sampling')).startHeapSampling();
  // Recording without /proc: this process samples itself (the name written out: loaded only then).
  if (process.env.MEMPROF_RECORD_SELF_INTERVAL) (require('../reporters/self-sampler') as typeof import('../reporters/self-sampler')).startSelfSampling();
  if (!('profile' in globalThis)) defineGlobalProfile();
  installRequireHook(RUNTIME_MODULE);
  if (wantsEsmHooks()) registerEsmHooks();
  // ES modules are compiled in the hooks thread; their source maps are read in this one.
  if (process.argv[1] && isTypeScriptFile(process.argv[1])) enableSourceMaps();
  // Request accounts must see every request from the first: subscribe now, not at the first profiled call.
  if (process.env.MEMPROF_REQUESTS === '1') require(RUNTIME_MODULE);
}

/** `profile` as a global, loaded on first use; assigning to it replaces it like any global. */
function defineGlobalProfile(): void {
  const settle = (value: unknown) =>
    Object.defineProperty(globalThis, 'profile', { value, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(globalThis, 'profile', {
    configurable: true,
    enumerable: false,
    get() {
      const { profile } = require('../profiling') as typeof import('../profiling');
      settle(profile);
      return profile;
    },
    set: settle,
  });
}

/**
 * The ES module hooks run in a thread of their own, which costs start-up time, so they are
 * registered only when ES modules are in play: `--import memprof/register`, or an ES module entry.
 */
function wantsEsmHooks(): boolean {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return flags.some((flag) => flag === '--import' || flag.startsWith('--import=')) || isEsmEntry(process.argv[1]);
}

function registerEsmHooks(): void {
  const register = (nodeModule as { register?: (specifier: string, options: object) => void }).register;
  if (typeof register !== 'function') {
    process.stderr.write(`memprof: warning: this Node.js (${process.version}) cannot hook ES modules; they run unprofiled\n`);
    return;
  }
  const data: EsmHookData = { runtime: RUNTIME_MODULE };
  register(pathToFileURL(require.resolve('./esm-hooks')).href, { data });
}

/** A mistyped MEMPROF_* variable stops the program at once with one clear line, not at first use. */
function checkEnvironment(): void {
  try {
    environmentDefaults();
    includedFiles();
  } catch (error) {
    if (!(error instanceof ProfileOptionsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}
