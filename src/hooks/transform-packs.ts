// The transform cache's files. One file per entry made a cold start-up of 1,000 marked modules create
// 1,000 files (between 0.05 and 1 ms of kernel time each, on the 2-core machines here) and a warm one
// open 1,000. So each process that compiles something appends what it compiles, as it compiles it, to
// one file of its own, a pack; a process reads the folder's packs once, whole, and finds its entries
// in memory.
//
// A pack: a line `memprof-pack <identity bytes>`, the identity of the compiler that wrote it
// (compilerIdentity()), then records, each a line `<key bytes> <source bytes> <code bytes> <functions
// bytes> <map bytes>` (code bytes -1 for a file that needs no transform) and those bytes: the key
// ("<file>\0<options>"), the source the entry was compiled from, the code, the functions (JSON), the
// source map. Appending needs no timer and no exit listener (nothing of the program's event loop or
// its process events), and a crash loses at most the record being written: a reader stops at a record
// that is not whole. Packs of another compiler are never read. A process that starts a pack when
// there are MAX_PACKS already starts it with every entry of theirs (the newest version of each file
// and options, up to MAX_BYTES) and removes them: the folder stays a few files however many runs fill
// it, and an edited file's older versions go.
import { mkdirSync, openSync, readdirSync, readFileSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CachedTransform, TransformCache } from './transform-cache';

interface Entry {
  pack: Pack;
  /** Where the record's source starts, in the pack. */
  offset: number;
  sourceBytes: number;
  /** -1: the file needs no transform. */
  codeBytes: number;
  functionsBytes: number;
  mapBytes: number;
}

interface Pack {
  name: string;
  /**
   * The pack as read whole to find its records: used while it is still in memory (a synchronous
   * start-up), never kept alive by the cache (it would count in the program's memory).
   */
  bytes: WeakRef<Buffer>;
  /** Opened when the bytes are gone: entries are then read from the file, ahead. */
  fd?: number;
}

const MAGIC = 'memprof-pack';
const MAX_PACKS = 8;
const MAX_BYTES = 64 * 1024 * 1024;
const NEWLINE = 10;
const READ_AHEAD = 1024 * 1024;

export class PackedCache implements TransformCache {
  /** Every entry of the folder's packs, newest pack first: read on first use. */
  private entries: Map<string, Entry[]> | undefined;
  private packNames: string[] = [];
  /** What this process compiled: found again without a read. */
  private readonly added = new Map<string, { source: string; result: CachedTransform }>();
  /** This process's pack, open for appending once it has compiled something. */
  private fd: number | undefined;
  private usable = true;
  /**
   * Entries read ahead from a pack's file: a pack holds its entries in the order a start-up compiled
   * them, the order the next one loads them, so one read serves the next few dozen.
   */
  private window = { pack: undefined as Pack | undefined, start: 0, bytes: Buffer.alloc(0) };

  constructor(
    private readonly directory: string,
    private readonly identity: string,
  ) {}

  get(source: string, filename: string, options: object): CachedTransform | undefined {
    const key = keyOf(filename, options);
    const own = this.added.get(key);
    if (own) return own.source === source ? own.result : undefined;
    for (const entry of this.readPacks().get(key) ?? []) {
      const result = this.decode(entry, source);
      if (result !== undefined) return result;
    }
    return undefined;
  }

  set(source: string, filename: string, options: object, result: CachedTransform): void {
    const key = keyOf(filename, options);
    this.added.set(key, { source, result });
    if (!this.usable) return;
    try {
      this.fd ??= this.startPack();
      writeSync(this.fd, record(key, [source, ...(result === null ? [] : [result.code, JSON.stringify(result.functions), result.map ?? ''])]));
    } catch {
      // A read-only or full disk only costs speed: stop trying for this process.
      this.usable = false;
    }
  }

  private readPacks(): Map<string, Entry[]> {
    if (this.entries) return this.entries;
    const entries = new Map<string, Entry[]>();
    this.packNames = packNamesIn(this.directory).sort().reverse();
    for (const name of this.packNames) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(this.directory, name));
      } catch {
        continue; // removed since the folder was listed
      }
      const pack: Pack = { name, bytes: new WeakRef(bytes) };
      const records = recordsOf(bytes, this.identity, pack);
      if (!records) continue;
      for (const [key, entry] of records) {
        const list = entries.get(key);
        if (list) list.push(entry);
        else entries.set(key, [entry]);
      }
    }
    return (this.entries = entries);
  }

  /** The entry's result, when it was compiled from `source`. */
  private decode(entry: Entry, source: string): CachedTransform | undefined {
    try {
      const bytes = this.bytesOf(entry);
      let at = 0;
      if (bytes.toString('utf8', at, (at += entry.sourceBytes)) !== source) return undefined;
      if (entry.codeBytes < 0) return null;
      const code = bytes.toString('utf8', at, (at += entry.codeBytes));
      const functions: unknown = JSON.parse(bytes.toString('utf8', at, (at += entry.functionsBytes)));
      if (!Array.isArray(functions)) return undefined;
      const result = { code, functions: functions as NonNullable<CachedTransform>['functions'], map: null as string | null };
      // Decoded when asked for: a map goes with the code only where something reads maps (compile.ts).
      const mapStart = at;
      if (entry.mapBytes > 0) Object.defineProperty(result, 'map', { get: () => bytes.toString('utf8', mapStart, mapStart + entry.mapBytes), enumerable: true });
      return result;
    } catch {
      return undefined;
    }
  }

  /** The entry's bytes (source, code, functions, map): from the pack in memory, else from its file. */
  private bytesOf(entry: Entry): Buffer {
    const length = entryBytes(entry);
    const whole = entry.pack.bytes.deref();
    if (whole) return whole.subarray(entry.offset, entry.offset + length);
    let window = this.window;
    if (window.pack !== entry.pack || entry.offset < window.start || entry.offset + length > window.start + window.bytes.length) {
      const pack = entry.pack;
      pack.fd ??= openSync(join(this.directory, pack.name), 'r');
      const bytes = Buffer.allocUnsafe(Math.max(length, READ_AHEAD));
      const read = readSync(pack.fd, bytes, 0, bytes.length, entry.offset);
      if (read < length) throw new Error('short read');
      window = this.window = { pack, start: entry.offset, bytes: bytes.subarray(0, read) };
    }
    return window.bytes.subarray(entry.offset - window.start, entry.offset - window.start + length);
  }

  /**
   * This process's pack, with the identity line; when the folder has MAX_PACKS, with every entry of
   * theirs too, which it replaces.
   */
  private startPack(): number {
    mkdirSync(this.directory, { recursive: true });
    const name = `${Date.now().toString(36).padStart(9, '0')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.pack`;
    const identity = Buffer.from(this.identity);
    const fd = openSync(join(this.directory, name), 'wx');
    writeSync(fd, Buffer.concat([Buffer.from(`${MAGIC} ${identity.length}\n`, 'latin1'), identity]));
    const names = packNamesIn(this.directory).filter((other) => other !== name);
    if (names.length >= MAX_PACKS) {
      const entries = this.readPacks();
      let written = 0;
      for (const [key, [entry]] of entries) {
        if (written > MAX_BYTES) break;
        if (this.added.has(key)) continue; // compiled again just now: its record follows
        const bytes = this.bytesOf(entry);
        let at = 0;
        const lengths = [entry.sourceBytes, entry.codeBytes, entry.functionsBytes, entry.mapBytes].filter((length) => length >= 0);
        written += writeSync(fd, record(key, lengths.map((length) => bytes.subarray(at, (at += length)))));
      }
      for (const other of names) removeQuietly(join(this.directory, other));
    }
    return fd;
  }
}

function entryBytes(entry: Entry): number {
  return entry.sourceBytes + Math.max(entry.codeBytes, 0) + entry.functionsBytes + entry.mapBytes;
}

const optionsText = new WeakMap<object, string>();

/** The options are mostly one shared object per kind of file (compile.ts): their JSON is made once. */
function keyOf(filename: string, options: object): string {
  let text = optionsText.get(options);
  if (text === undefined) optionsText.set(options, (text = JSON.stringify(options)));
  return `${filename}\0${text}`;
}

/** A record: its line of lengths, the key, then the parts (source, and code, functions, map unless none). */
function record(key: string, parts: Array<string | Buffer>): Buffer {
  const keyBytes = Buffer.from(key);
  const buffers = parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part));
  const [source, code, functions, map] = buffers.map((buffer) => buffer.length);
  const line = `${keyBytes.length} ${source} ${code ?? -1} ${functions ?? 0} ${map ?? 0}\n`;
  return Buffer.concat([Buffer.from(line, 'latin1'), keyBytes, ...buffers]);
}

/** A pack's records by key; undefined when it is another compiler's, or not a pack. */
function recordsOf(bytes: Buffer, identity: string, pack: Pack): Map<string, Entry> | undefined {
  const firstEnd = bytes.indexOf(NEWLINE);
  if (firstEnd < 0) return undefined;
  const [magic, identityText] = bytes.toString('latin1', 0, firstEnd).split(' ');
  const identityBytes = Number(identityText);
  if (magic !== MAGIC || bytes.toString('utf8', firstEnd + 1, firstEnd + 1 + identityBytes) !== identity) return undefined;
  const records = new Map<string, Entry>();
  let at = firstEnd + 1 + identityBytes;
  while (at < bytes.length) {
    const lineEnd = bytes.indexOf(NEWLINE, at);
    if (lineEnd < 0 || lineEnd - at > 64) break;
    const [keyBytes, sourceBytes, codeBytes, functionsBytes, mapBytes] = bytes.toString('latin1', at, lineEnd).split(' ').map(Number);
    const end = lineEnd + 1 + keyBytes + sourceBytes + Math.max(codeBytes, 0) + functionsBytes + mapBytes;
    // A record not whole (a crash while it was written, or a pack being written now) ends the pack.
    if (![keyBytes, sourceBytes, codeBytes, functionsBytes, mapBytes].every(Number.isInteger) || end > bytes.length) break;
    const key = bytes.toString('utf8', lineEnd + 1, lineEnd + 1 + keyBytes);
    records.set(key, { pack, offset: lineEnd + 1 + keyBytes, sourceBytes, codeBytes, functionsBytes, mapBytes });
    at = end;
  }
  return records;
}

function packNamesIn(directory: string): string[] {
  try {
    return readdirSync(directory).filter((name) => name.endsWith('.pack'));
  } catch {
    return [];
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already (another process merged it), or held open (Windows): a later merge removes it.
  }
}
