// On-disk cache of instrumented files, like @babel/register's: compiling with Babel costs far more
// than reading a file. Keyed by the source, the file name, the options and what compiled it, so a
// change to any of them misses. A damaged entry is a miss, never an error.
import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { InstrumentResult } from '../instrument/instrumenter';

let fingerprint: string | undefined;

/**
 * What produced the cached code: memprof's version and the instrumenter's own compiled files (so a
 * rebuilt memprof of the same version, during development, does not get stale entries), and Babel's.
 */
export function compilerFingerprint(): string {
  if (fingerprint) return fingerprint;
  const hash = createHash('sha256');
  hash.update(readFileSync(join(__dirname, '..', '..', '..', 'package.json')));
  const instrumentDirectory = join(__dirname, '..', 'instrument');
  const compilerFiles = readdirSync(instrumentDirectory)
    .filter((file) => file.endsWith('.js'))
    .sort()
    .map((file) => join(instrumentDirectory, file));
  // compile.js shapes what is stored too (the source map's sources, how it is attached).
  compilerFiles.push(join(__dirname, '..', 'integrations', 'babel-plugin.js'), join(__dirname, 'compile.js'));
  for (const file of compilerFiles) hash.update(file.slice(file.lastIndexOf('dist'))).update(readFileSync(file));
  // The packages that parse, rewrite and print (JavaScript no longer goes through @babel/core alone).
  for (const name of ['@babel/core', '@babel/parser', '@babel/traverse', '@babel/generator', '@babel/types', '@babel/preset-typescript']) {
    hash.update(`${name}@${(require(`${name}/package.json`) as { version: string }).version}\0`);
  }
  // MEMPROF_SAMPLE_ALL=1 is read by the instrumenter itself (sampling.ts): it shapes the code, so
  // every cache keyed by this fingerprint (the hooks', Jest's) must tell the two apart.
  if (process.env.MEMPROF_SAMPLE_ALL === '1') hash.update('sample every statement');
  return (fingerprint = hash.digest('hex'));
}

/**
 * null: the file needs no transform (e.g. JavaScript that only mentions "profile"). `mapFile`: the
 * entry's file, when it holds the source map (the code's sourceMappingURL can point at it).
 */
export type CachedTransform = (InstrumentResult & { mapFile?: string }) | null;

export interface TransformCache {
  /** undefined on a miss. */
  get(key: string): CachedTransform | undefined;
  /** Stores the result; with its `mapFile` when the entry's file holds its source map. */
  set(key: string, result: CachedTransform): CachedTransform;
}

/**
 * The shape of an entry; a change to it must miss every older entry. An entry with a source map is
 * that source map (version, sources, mappings, ... at the top level), the code and the functions in an
 * `x_memprof` field (source map consumers ignore `x_` fields): one file to write and one to read,
 * which the code's sourceMappingURL names.
 */
const ENTRY_FORMAT = 'a source map with x_memprof: { code, functions }, v2';
interface Entry {
  untouched?: true;
  x_memprof?: { code?: unknown; functions?: unknown };
}

/** Node's one-shot hash (20.12 and later): a start-up hashes every file it looks up, and this is half the cost. */
const hashOnce = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

export function cacheKey(source: string, filename: string, options: object): string {
  const text = `${compilerFingerprint()}\0${ENTRY_FORMAT}\0${filename}\0${JSON.stringify(options)}\0${source}`;
  return hashOnce ? hashOnce('sha256', text) : createHash('sha256').update(text).digest('hex');
}

/** The cache in effect: MEMPROF_CACHE=0 turns it off, MEMPROF_CACHE_DIR moves it. */
export function openTransformCache(env: NodeJS.ProcessEnv = process.env): TransformCache | undefined {
  if (env.MEMPROF_CACHE === '0' || env.MEMPROF_CACHE === 'false') return undefined;
  return new DirectoryCache(env.MEMPROF_CACHE_DIR || defaultCacheDirectory());
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

class DirectoryCache implements TransformCache {
  private usable = true;
  /** The folders made (or found) so far: a start-up writes thousands of entries into 256 of them. */
  private readonly directories = new Set<string>();

  private readonly directory: string;

  constructor(directory: string) {
    // Entry paths are built by concatenation: path.join for every file a start-up loads adds up.
    this.directory = resolve(directory);
  }

  private path(key: string): string {
    return `${this.directory}${sep}${key.slice(0, 2)}${sep}${key}.json`;
  }

  get(key: string): CachedTransform | undefined {
    const path = this.path(key);
    try {
      const entry = JSON.parse(readFileSync(path, 'utf8')) as Entry & Record<string, unknown>;
      if (entry.untouched === true) return null;
      const stored = entry.x_memprof;
      if (!stored || typeof stored.code !== 'string' || !Array.isArray(stored.functions)) return undefined;
      const functions = stored.functions as InstrumentResult['functions'];
      if (entry.version === undefined) return { code: stored.code, map: null, functions };
      delete entry.x_memprof;
      return { code: stored.code, map: entry, functions, mapFile: path };
    } catch {
      return undefined;
    }
  }

  set(key: string, result: CachedTransform): CachedTransform {
    const path = this.path(key);
    if (!result) {
      this.write(path, JSON.stringify({ untouched: true }));
      return result;
    }
    const entry = { ...(result.map ?? {}), x_memprof: { code: result.code, functions: result.functions } };
    const written = this.write(path, JSON.stringify(entry));
    return written && result.map ? { ...result, mapFile: path } : result;
  }

  private write(path: string, text: string): boolean {
    if (!this.usable) return false;
    try {
      const directory = dirname(path);
      if (!this.directories.has(directory)) {
        mkdirSync(directory, { recursive: true });
        this.directories.add(directory);
      }
      // Write then rename, so that a concurrent reader never sees half a file.
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, text);
      renameSync(temporary, path);
      return true;
    } catch {
      // A read-only or full disk only costs speed: stop trying for this process.
      this.usable = false;
      return false;
    }
  }
}
