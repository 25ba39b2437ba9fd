// memprof's public API: `import { profile } from 'memprof'` or `require('memprof')`. Importing it
// installs the default subscribers (tables on stdout or MEMPROF_OUTPUT, recording markers).
import { installDefaultReporters } from './reporters/defaults';

installDefaultReporters();

export { profile, type ProfileDecorator } from './runtime/profile';
export type { ProfileOptions, TextSink } from './runtime/options';
export type { TimestampBlock } from './runtime/timestamp';
export { METRIC_NAMES, type MetricName } from './runtime/metrics';
export type { CallResult, LineResult } from './runtime/call-result';
export { collect, lineReport, type Collected, type CollectOptions } from './api/collect';
export type { CallReport, LineReport } from './reporters/call-report';
export { toAllocateAtMost, toRetainAtMost, toNotLeak, memoryMatchers, type MatcherResult } from './testing/matchers';
export { testMemoryLimits, type TestMemoryLimits } from './testing/test-limits';
export { printSummaries } from './reporters/printer';
export { memoryUsage, type MemoryUsage, type MemoryUsageResult, type MemoryUsageOptions, type FunctionUsageOptions, type ProcessUsageOptions, type CommandUsageOptions, type ChildUsage, type CommandExit, type TimedSample, type UsageMetric, type ProcessMetric } from './api/memory-usage';
export { findLeaks, type FindLeaksOptions } from './api/leaks/lazy';
export { formatLeakReport, type LeakReport, type LeakLine } from './api/leaks/leak-report';
