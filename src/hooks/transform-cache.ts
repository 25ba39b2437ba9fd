// On-disk cache of instrumented files, like @babel/register's: compiling with Babel costs far more
// than reading a file. An entry is found by the file name and the options, and used only when the
// source it was compiled from is the source now (compared whole: cheaper than hashing it, and
// exact) and it was compiled by this compiler (transform-packs.ts keeps each pack's). A damaged entry
// is a miss, never an error.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PackedCache } from './transform-packs';
import type { InstrumentResult } from '../instrument/instrumenter';

/** The shape of what is stored; a change to it must miss every older entry. */
const ENTRY_FORMAT = 'pack: source, code, functions, map; v4';

let identity: string | undefined;

/**
 * What produced the cached code, as text: memprof's version and the instrumenter's own compiled
 * files (so a rebuilt memprof of the same version, during development, does not get stale entries),
 * and Babel's. The files are known by their size and modification time, not their text: reading the
 * 400 KiB of them would be 3 ms of every start-up (an install or a rebuild changes both).
 */
export function compilerIdentity(): string {
  if (identity !== undefined) return identity;
  const parts = [ENTRY_FORMAT, readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')];
  const instrumentDirectory = join(__dirname, '..', 'instrument');
  const compilerFiles = readdirSync(instrumentDirectory)
    .filter((file) => file.endsWith('.js'))
    .sort()
    .map((file) => join(instrumentDirectory, file));
  // compile.js shapes what is stored too (the source map's sources).
  compilerFiles.push(join(__dirname, '..', 'integrations', 'babel-plugin.js'), join(__dirname, 'compile.js'));
  for (const file of compilerFiles) {
    const { size, mtimeMs } = statSync(file);
    parts.push(`${file.slice(file.lastIndexOf('dist'))} ${size} ${mtimeMs}`);
  }
  // The packages that parse, rewrite and print. Read, not required: require() of their six
  // package.json files was 2.3 ms of a start-up, this 0.8.
  for (const name of ['@babel/core', '@babel/parser', '@babel/traverse', '@babel/generator', '@babel/types', '@babel/preset-typescript']) {
    const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string };
    parts.push(`${name}@${manifest.version}`);
  }
  // MEMPROF_SAMPLE_ALL=1 is read by the instrumenter itself (sampling.ts): it shapes the code, so
  // every cache keyed by this (the hooks', Jest's) must tell the two apart.
  if (process.env.MEMPROF_SAMPLE_ALL === '1') parts.push('sample every statement');
  return (identity = parts.join('\n'));
}

let fingerprint: string | undefined;

/** compilerIdentity() hashed, for caches that key by a short string (Jest's). */
export function compilerFingerprint(): string {
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return (fingerprint ??= createHash('sha256').update(compilerIdentity()).digest('hex'));
}

/**
 * A compiled file as the cache keeps it: its code, its profiled functions and its source map as JSON
 * text. null: the file needs no transform (e.g. JavaScript that only mentions "profile").
 */
export type CachedTransform = { code: string; functions: InstrumentResult['functions']; map: string | null } | null;

export interface TransformCache {
  /** undefined on a miss: nothing stored for this file and options, or not from this source. */
  get(source: string, filename: string, options: object): CachedTransform | undefined;
  /** Stores the result, on disk at once (transform-packs.ts). */
  set(source: string, filename: string, options: object, result: CachedTransform): void;
}

/** The cache in effect: MEMPROF_CACHE=0 turns it off, MEMPROF_CACHE_DIR moves it. */
export function openTransformCache(env: NodeJS.ProcessEnv = process.env): TransformCache | undefined {
  if (env.MEMPROF_CACHE === '0' || env.MEMPROF_CACHE === 'false') return undefined;
  return new PackedCache(env.MEMPROF_CACHE_DIR || defaultCacheDirectory(), compilerIdentity());
}

/** node_modules/.cache/memprof of the project being run (where tools keep caches), else the temp dir. */
function defaultCacheDirectory(): string {
  let directory = process.cwd();
  for (;;) {
    if (existsSync(join(directory, 'node_modules'))) return join(directory, 'node_modules', '.cache', 'memprof');
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  return join(tmpdir(), `memprof-cache-${process.getuid?.() ?? 'user'}`);
}
