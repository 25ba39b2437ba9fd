// `memprof/register`: makes `profile` a global (no import needed, like `python -m memory_profiler`) and
// installs the load hook, so that every marked function is profiled line by line.
import { profile } from '../runtime/profile';
import { environmentDefaults, ProfileOptionsError } from '../runtime/options';
import { installRequireHook } from './require-hook';

const HOOK_FLAG = Symbol.for('memprof.hook');

/** The runtime module instrumented code loads; an absolute path, so it resolves from any file. */
export const RUNTIME_MODULE = require.resolve('../runtime/index');

export function register(): void {
  const global = globalThis as Record<symbol | string, unknown>;
  if (global[HOOK_FLAG]) return;
  checkEnvironment();
  global[HOOK_FLAG] = true;
  if (!('profile' in globalThis)) {
    Object.defineProperty(globalThis, 'profile', { value: profile, writable: true, configurable: true, enumerable: false });
  }
  installRequireHook(RUNTIME_MODULE);
}

/** A mistyped MEMPROF_* variable stops the program at once with one clear line, not at first use. */
function checkEnvironment(): void {
  try {
    environmentDefaults();
  } catch (error) {
    if (!(error instanceof ProfileOptionsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}
