// transitional: runtime/recording.ts still imports this; /proc reading lives in src/record/proc/.
export { processMemory } from './proc/reads';
export { descendants } from './proc/scans';
