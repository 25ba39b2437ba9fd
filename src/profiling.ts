// What instrumented code requires (by absolute path, see runtime/location.ts) and what the global
// `profile` is loaded from: the runtime, with the default subscribers installed, so that tables are
// printed however the code was instrumented (load hook, Babel plugin, Jest transformer, Vite plugin).
// Keep it small: it is loaded into every profiled program.
import { installDefaultReporters } from './reporters/defaults';

installDefaultReporters();

export { registerFile } from './runtime/registry';
export { profile } from './runtime/profile';
