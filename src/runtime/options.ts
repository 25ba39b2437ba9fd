// Options of a profile marker (`profile(fn, options)`, `@profile(options)`), their defaults and the
// environment variables that set those defaults. Validation errors name the offending option and,
// when known, the marker's file and line.
import { isMetricName, METRIC_NAMES, type MetricName } from './metric-names';
import { environment, joinStrings, own, primordials } from '../shared/primordials';

const { ArrayIsArray, ArrayPrototypeIndexOf, JSONStringify, NumberCtor, NumberIsFinite, NumberIsInteger, ObjectKeys, RegExpPrototypeExec } = primordials;

/** Anything with a `write(string)` method: `process.stderr`, a file stream, a test's collector. */
export interface TextSink {
  write(text: string): unknown;
}

export interface ProfileOptions {
  /** Decimals shown for MiB values (0-6). Default 1, or `MEMPROF_PRECISION`. */
  precision?: number;
  /** What "memory" means: 'heap' (default, or `MEMPROF_METRIC`), 'rss', 'heapUsed' or 'external'. */
  metric?: MetricName;
  /** Where tables go. Default stdout, or the file named by `MEMPROF_OUTPUT` (appended to). */
  stream?: TextSink;
  /**
   * Threshold in MiB (or `MEMPROF_BREAK_AT`): the first time the metric passes it inside a profiled
   * call, memprof reports the line, writes a heap snapshot and pauses in an attached debugger.
   */
  breakAt?: number;
  /**
   * Tables printed per function (default 20, or `MEMPROF_MAX_TABLES`); later calls are summed into one
   * table printed when the process exits, so that a busy server does not print a table per request.
   * 0: only the summed table. Infinity: every call.
   */
  maxTables?: number;
  /**
   * Also measure what each call leaves alive (default false, or `MEMPROF_RETAINED=1`): a full garbage
   * collection before and after the call, hidden from every figure. Costs two full collections per
   * call, so it is for functions called a few times, not hot paths.
   */
  retained?: boolean;
}

export interface ResolvedOptions {
  /**
   * Line by line (default), or calls only (`MEMPROF_LINES=0`, what `memprof run` sets unless
   * `--lines`): entry and exit of each call, for recordings whose brackets keep real durations.
   */
  lines: boolean;
  precision: number;
  metric: MetricName;
  /** Undefined means "the default destination" (stdout or MEMPROF_OUTPUT), resolved when writing. */
  stream: TextSink | undefined;
  /** Threshold in bytes; Infinity when none is set. */
  breakAtBytes: number;
  maxTables: number;
  retained: boolean;
}

const KNOWN_OPTIONS = ['precision', 'metric', 'stream', 'breakAt', 'maxTables', 'retained'];

export class ProfileOptionsError extends TypeError {
  override name = 'ProfileOptionsError';
}

function where(location: string | undefined): string {
  return location ? ` (at ${location})` : '';
}

/** Validates user-supplied options and merges them over the environment defaults. */
export function resolveOptions(options: unknown, location?: string): ResolvedOptions {
  const defaults = environmentDefaults();
  if (options === undefined || options === null) return defaults;
  if (typeof options !== 'object' || ArrayIsArray(options)) {
    throw new ProfileOptionsError(`memprof: profile options must be an object, got ${describe(options)}${where(location)}`);
  }
  const given = options as Record<string, unknown>;
  const keys = ObjectKeys(given);
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index];
    if (ArrayPrototypeIndexOf(KNOWN_OPTIONS, key) < 0) {
      throw new ProfileOptionsError(
        `memprof: unknown profile option "${key}"${where(location)}; known options: ${joinStrings(KNOWN_OPTIONS, ', ')}`,
      );
    }
  }
  // Own properties only: a program may have put any of these names on Object.prototype.
  const precision = own(given, 'precision');
  const metric = own(given, 'metric');
  const breakAt = own(given, 'breakAt');
  const maxTables = own(given, 'maxTables');
  const retained = own(given, 'retained');
  const streamOption = own(given, 'stream');
  const resolved = { ...defaults };
  if (precision !== undefined) resolved.precision = checkPrecision(precision, 'option "precision"', location);
  if (metric !== undefined) resolved.metric = checkMetric(metric, 'option "metric"', location);
  if (breakAt !== undefined) resolved.breakAtBytes = checkThreshold(breakAt, 'option "breakAt"', location);
  if (maxTables !== undefined) resolved.maxTables = checkMaxTables(maxTables, 'option "maxTables"', location);
  if (retained !== undefined) resolved.retained = checkBoolean(retained, 'option "retained"', location);
  if (streamOption !== undefined) {
    const stream = streamOption as TextSink | null;
    if (!stream || typeof stream.write !== 'function') {
      throw new ProfileOptionsError(`memprof: option "stream" must have a write() method${where(location)}`);
    }
    resolved.stream = stream;
  }
  return resolved;
}

function checkPrecision(value: unknown, what: string, location?: string): number {
  if (typeof value !== 'number' || !NumberIsInteger(value) || value < 0 || value > 6) {
    throw new ProfileOptionsError(`memprof: ${what} must be an integer from 0 to 6, got ${describe(value)}${where(location)}`);
  }
  return value;
}

function checkMetric(value: unknown, what: string, location?: string): MetricName {
  if (!isMetricName(value)) {
    throw new ProfileOptionsError(
      `memprof: ${what} must be one of ${joinStrings(METRIC_NAMES, ', ')}, got ${describe(value)}${where(location)}`,
    );
  }
  return value;
}

const MIB = 1024 * 1024;
const DEFAULT_MAX_TABLES = 20;

function checkMaxTables(value: unknown, what: string, location?: string): number {
  if (typeof value !== 'number' || !(NumberIsInteger(value) || value === Infinity) || value < 0) {
    throw new ProfileOptionsError(`memprof: ${what} must be a whole number of tables (0 or more, or Infinity), got ${describe(value)}${where(location)}`);
  }
  return value;
}

function checkBoolean(value: unknown, what: string, location?: string): boolean {
  if (typeof value !== 'boolean') {
    throw new ProfileOptionsError(`memprof: ${what} must be true or false, got ${describe(value)}${where(location)}`);
  }
  return value;
}

/** `1`/`true` or `0`/`false` in an environment variable. */
function checkFlag(value: string, name: string): boolean {
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new ProfileOptionsError(`memprof: ${name} must be 1 or 0, got ${JSONStringify(value)}`);
}

/** A threshold in MiB, returned in bytes. */
function checkThreshold(value: unknown, what: string, location?: string): number {
  if (typeof value !== 'number' || !NumberIsFinite(value) || value <= 0) {
    throw new ProfileOptionsError(`memprof: ${what} must be a positive number of MiB, got ${describe(value)}${where(location)}`);
  }
  return value * MIB;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSONStringify(value) : `${typeof value === 'symbol' ? 'a symbol' : value}`;
}

const WHOLE_NUMBER = /^\d+$/;
let cachedDefaults: ResolvedOptions | undefined;
let cachedEnvKey = '';

/** Defaults from MEMPROF_METRIC and MEMPROF_PRECISION; an invalid value is an error, not ignored. */
export function environmentDefaults(): ResolvedOptions {
  const metric = environment('MEMPROF_METRIC');
  const precision = environment('MEMPROF_PRECISION');
  const breakAt = environment('MEMPROF_BREAK_AT');
  const maxTables = environment('MEMPROF_MAX_TABLES');
  const retained = environment('MEMPROF_RETAINED');
  const lines = environment('MEMPROF_LINES');
  const include = environment('MEMPROF_INCLUDE');
  const topLines = environment('MEMPROF_TOP_LINES');
  // Read by the top-lines reporter; checked here so that a mistyped value stops the program at start.
  if (topLines && RegExpPrototypeExec(WHOLE_NUMBER, topLines) === null) {
    throw new ProfileOptionsError(`memprof: MEMPROF_TOP_LINES must be a whole number, got ${JSONStringify(topLines)}`);
  }
  const key = `${metric}\0${precision}\0${breakAt}\0${maxTables}\0${retained}\0${lines}\0${include}`;
  if (cachedDefaults && key === cachedEnvKey) return { ...cachedDefaults };
  const defaults: ResolvedOptions = {
    metric: metric ? checkMetric(metric, 'MEMPROF_METRIC', undefined) : 'heap',
    precision: precision ? checkPrecision(NumberCtor(precision), 'MEMPROF_PRECISION', undefined) : 1,
    stream: undefined,
    maxTables: maxTables
      ? checkMaxTables(maxTables === 'all' ? Infinity : NumberCtor(maxTables), `MEMPROF_MAX_TABLES (${JSONStringify(maxTables)})`, undefined)
      : // Whole files profiled (MEMPROF_INCLUDE): thousands of functions, so summed tables only.
        include
        ? 0
        : DEFAULT_MAX_TABLES,
    breakAtBytes: breakAt ? checkThreshold(NumberCtor(breakAt), `MEMPROF_BREAK_AT (${JSONStringify(breakAt)})`, undefined) : Infinity,
    retained: retained ? checkFlag(retained, 'MEMPROF_RETAINED') : false,
    lines: lines ? checkFlag(lines, 'MEMPROF_LINES') : true,
  };
  cachedDefaults = defaults;
  cachedEnvKey = key;
  return { ...defaults };
}
