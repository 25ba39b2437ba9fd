// On-disk cache of instrumented files, like @babel/register's: compiling with Babel costs far more
// than reading a file. Keyed by the source, the file name, the options and what compiled it, so a
// change to any of them misses. A damaged entry is a miss, never an error.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
  compilerFiles.push(join(__dirname, '..', 'integrations', 'babel-plugin.js'));
  for (const file of compilerFiles) hash.update(file.slice(file.lastIndexOf('dist'))).update(readFileSync(file));
  hash.update(String((require('@babel/core/package.json') as { version: string }).version));
  return (fingerprint = hash.digest('hex'));
}

/** null: the file needs no transform (e.g. JavaScript that only mentions "profile"). */
export type CachedTransform = InstrumentResult | null;

export interface TransformCache {
  /** undefined on a miss. */
  get(key: string): CachedTransform | undefined;
  set(key: string, result: CachedTransform): void;
}

export function cacheKey(source: string, filename: string, options: object): string {
  return createHash('sha256')
    .update(compilerFingerprint())
    .update('\0')
    .update(filename)
    .update('\0')
    .update(JSON.stringify(options))
    .update('\0')
    .update(source)
    .digest('hex');
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

  constructor(private readonly directory: string) {}

  private path(key: string): string {
    return join(this.directory, key.slice(0, 2), `${key}.json`);
  }

  get(key: string): CachedTransform | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.path(key), 'utf8')) as { untouched?: boolean } & Partial<InstrumentResult>;
      if (entry.untouched === true) return null;
      if (typeof entry.code !== 'string' || !Array.isArray(entry.functions)) return undefined;
      return { code: entry.code, map: entry.map ?? null, functions: entry.functions };
    } catch {
      return undefined;
    }
  }

  set(key: string, result: CachedTransform): void {
    if (!this.usable) return;
    const path = this.path(key);
    try {
      mkdirSync(dirname(path), { recursive: true });
      // Write then rename, so that a concurrent reader never sees half an entry.
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(result ?? { untouched: true }));
      renameSync(temporary, path);
    } catch {
      // A read-only or full disk only costs speed: stop trying for this process.
      this.usable = false;
    }
  }
}
