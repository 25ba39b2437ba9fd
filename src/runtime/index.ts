// The module instrumented code requires. Keep it small: it is loaded into every profiled program.
export { registerFile } from './registry';
