// What memprof uses from the language and from Node, taken once, before the profiled program can
// change it — the way Node's own internals use `primordials`. Test suites and services replace
// globals memprof would otherwise reach through them: fake `Date`/`performance`/timers, silenced
// `console`, mocked `fs`, patched `Array.prototype` methods, properties added to `Object.prototype`.
// Code that runs in the profiled process (runtime, reporters, the recording-marker writer) calls
// these instead, never reads a property that could come from a polluted prototype, and does not
// iterate with for...of or spread (the iterator protocol is replaceable too).
//
// The first copy of memprof loaded (by `memprof/register`, before the program) captures them and
// leaves them on the global object, so that modules loaded later, after the program changed things,
// still get the originals.
import * as fs from 'node:fs';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import * as timers from 'node:timers';
import type * as V8 from 'node:v8';
import { performance } from 'node:perf_hooks';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Uncurried<F> = F extends (this: infer T, ...args: infer A) => infer R ? (self: T, ...args: A) => R : never;

function capture() {
  const { bind, call } = Function.prototype;
  const uncurryThis = <F extends (...args: any[]) => any>(fn: F): Uncurried<F> => bind.call(call, fn) as Uncurried<F>;

  // Maps whose methods are memprof's own copies: patching Map.prototype does not reach them.
  class SafeMap<K, V> extends Map<K, V> {}
  const mapMethods = Object.getOwnPropertyNames(Map.prototype);
  for (let index = 0; index < mapMethods.length; index++) {
    const name = mapMethods[index];
    if (name === 'constructor') continue;
    Object.defineProperty(SafeMap.prototype, name, Object.getOwnPropertyDescriptor(Map.prototype, name)!);
  }
  Object.defineProperty(SafeMap.prototype, Symbol.iterator, Object.getOwnPropertyDescriptor(Map.prototype, Symbol.iterator)!);

  const stdoutGetter = Object.getOwnPropertyDescriptor(process, 'stdout')?.get;
  const stderrGetter = Object.getOwnPropertyDescriptor(process, 'stderr')?.get;
  const writeStream = uncurryThis(Writable.prototype.write as (this: NodeJS.WritableStream, chunk: string) => boolean);

  return Object.freeze({
    ArrayIsArray: Array.isArray,
    ArrayPrototypeSort: uncurryThis(Array.prototype.sort as (this: unknown[], compare?: (a: any, b: any) => number) => unknown[]),
    ArrayPrototypeIndexOf: uncurryThis(Array.prototype.indexOf as (this: unknown[], value: unknown) => number),
    ArrayPrototypeSplice: uncurryThis(Array.prototype.splice as (this: unknown[], start: number, count: number) => unknown[]),
    ErrorCaptureStackTrace: Error.captureStackTrace,
    FunctionPrototypeCall: uncurryThis(Function.prototype.call as (this: (...args: any[]) => any, self: unknown, ...args: any[]) => any),
    JSONStringify: JSON.stringify,
    MathMax: Math.max,
    MathRound: Math.round,
    MathFloor: Math.floor,
    MathAbs: Math.abs,
    NumberCtor: Number,
    NumberIsFinite: Number.isFinite,
    NumberIsInteger: Number.isInteger,
    NumberPrototypeToFixed: uncurryThis(Number.prototype.toFixed as (this: number, digits?: number) => string),
    ObjectCreate: Object.create,
    ObjectDefineProperty: Object.defineProperty,
    ObjectFreeze: Object.freeze,
    ObjectGetOwnPropertyDescriptor: Object.getOwnPropertyDescriptor,
    ObjectHasOwn: Object.hasOwn,
    ObjectKeys: Object.keys,
    ObjectSetPrototypeOf: Object.setPrototypeOf,
    PromisePrototypeThen: uncurryThis(Promise.prototype.then as (this: Promise<unknown>, fulfilled?: (value: any) => any, rejected?: (reason: any) => any) => Promise<any>),
    PromiseResolve: Promise.resolve.bind(Promise) as <T>(value: T) => Promise<Awaited<T>>,
    ReflectApply: Reflect.apply,
    ReflectConstruct: Reflect.construct,
    RegExpPrototypeExec: uncurryThis(RegExp.prototype.exec as (this: RegExp, text: string) => RegExpExecArray | null),
    RegExpPrototypeSymbolReplace: uncurryThis(RegExp.prototype[Symbol.replace] as (this: RegExp, text: string, replacement: string) => string),
    RegExpPrototypeSymbolSplit: uncurryThis(RegExp.prototype[Symbol.split] as (this: RegExp, text: string) => string[]),
    SafeMap,
    StringCtor: String,
    StringPrototypeIncludes: uncurryThis(String.prototype.includes as (this: string, search: string) => boolean),
    StringPrototypeIndexOf: uncurryThis(String.prototype.indexOf as (this: string, search: string) => number),
    StringPrototypeToLowerCase: uncurryThis(String.prototype.toLowerCase as (this: string) => string),
    StringPrototypeSlice: uncurryThis(String.prototype.slice as (this: string, start?: number, end?: number) => string),
    StringPrototypeStartsWith: uncurryThis(String.prototype.startsWith as (this: string, search: string) => boolean),
    StringPrototypeTrim: uncurryThis(String.prototype.trim as (this: string) => string),
    StringPrototypeTrimEnd: uncurryThis(String.prototype.trimEnd as (this: string) => string),
    SymbolDispose: (Symbol as unknown as { dispose?: symbol }).dispose ?? Symbol.for('nodejs.dispose'),
    fsCloseSync: fs.closeSync,
    fsOpenSync: fs.openSync,
    fsReadFileSync: fs.readFileSync as (path: string, encoding: 'utf8') => string,
    fsWriteSync: fs.writeSync as (fd: number, text: string) => number,
    fsWriteBytesSync: fs.writeSync as (fd: number, bytes: Uint8Array, offset: number, length: number) => number,
    BufferFrom: Buffer.from as (text: string, encoding: 'utf8') => Buffer,
    PerformanceNow: performance.now.bind(performance) as () => number,
    PerformanceTimeOrigin: performance.timeOrigin,
    processOn: uncurryThis(EventEmitter.prototype.on as (this: NodeJS.Process, event: string, listener: (...args: any[]) => void) => NodeJS.Process),
    processRss: process.memoryUsage.rss,
    /** Writes to the real stdout/stderr stream, whatever the program did to their `write`. */
    stdoutWrite: (text: string): void => {
      writeStream(stdoutGetter ? stdoutGetter.call(process) : process.stdout, text);
    },
    stderrWrite: (text: string): void => {
      writeStream(stderrGetter ? stderrGetter.call(process) : process.stderr, text);
    },
    timersSetInterval: timers.setInterval,
    timersClearInterval: timers.clearInterval,
    // node:v8 is loaded when first used (by the runtime, not the hook): loading it is 4 ms, a third
    // of what requiring memprof/register costs. A program that replaces its exports before then is
    // the one case not defended against.
    v8GCProfiler: function GCProfiler() {
      return new (v8().GCProfiler)();
    } as unknown as typeof V8.GCProfiler,
    v8WriteHeapSnapshot: ((path?: string) => v8().writeHeapSnapshot(path)) as typeof V8.writeHeapSnapshot,
  });
}

let v8Module: typeof V8 | undefined;
function v8(): typeof V8 {
  return (v8Module ??= require('node:v8') as typeof V8);
}

export type Primordials = ReturnType<typeof capture>;

const STASH = Symbol.for('memprof.primordials');
const holder = globalThis as unknown as Record<symbol, Primordials | undefined>;

/** The originals, captured by the first copy of memprof to load in this realm. */
export const primordials: Primordials = (holder[STASH] ??= capture());

/** `array[array.length] = value`: appends without going through Array.prototype. */
export function append<T>(array: T[], value: T): void {
  array[array.length] = value;
}

/** Joins strings without Array.prototype.join. */
export function joinStrings(parts: readonly string[], separator: string): string {
  let text = '';
  for (let index = 0; index < parts.length; index++) text += index === 0 ? parts[index] : separator + parts[index];
  return text;
}

/** Left-pads with spaces without String.prototype.padStart. */
export function padStart(text: string, width: number): string {
  let padded = text;
  while (padded.length < width) padded = ` ${padded}`;
  return padded;
}

/** `count` copies of `text`, without String.prototype.repeat. */
export function repeat(text: string, count: number): string {
  let result = '';
  for (let index = 0; index < count; index++) result += text;
  return result;
}

/** An array of `length` zeros, without Array.prototype.fill. */
export function zeros(length: number): number[] {
  const array: number[] = [];
  for (let index = 0; index < length; index++) array[index] = 0;
  return array;
}

/** Reads an own property only: a missing one is undefined even if Object.prototype has it. */
export function own<T extends object, K extends PropertyKey>(object: T, key: K): unknown {
  return primordials.ObjectHasOwn(object, key) ? (object as Record<PropertyKey, unknown>)[key] : undefined;
}

/** An environment variable, never one inherited from a polluted Object.prototype. */
export function environment(name: string): string | undefined {
  const value = own(process.env, name);
  return typeof value === 'string' ? value : undefined;
}
