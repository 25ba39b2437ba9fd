// The text (and bytes) of /proc files, parsed: no file is read here, so each parser is tested with
// scripted contents. The byte parsers serve the sampler's hot path, which re-reads a file into one
// buffer and must not make a string per sample.

const SPACE = 0x20;
const ZERO = 0x30;

/** `/proc/<pid>/statm`: the second field is resident pages. -1 when it is not there. */
export function residentPagesFromStatm(text: string): number {
  const start = text.indexOf(' ');
  if (start < 0) return -1;
  const end = text.indexOf(' ', start + 1);
  const pages = Number(text.slice(start + 1, end < 0 ? undefined : end));
  return Number.isFinite(pages) ? pages : -1;
}

/** `/proc/<pid>/smaps_rollup` in bytes: Pss, or USS = the sum of the Private_* lines (as psutil). -1 when absent. */
export function fromSmapsRollup(text: string, backend: 'pss' | 'uss'): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    const wanted = backend === 'pss' ? line.startsWith('Pss:') : line.startsWith('Private_');
    if (!wanted) continue;
    const kib = Number(line.slice(line.indexOf(':') + 1).trim().split(/\s+/)[0]);
    if (!Number.isFinite(kib)) continue;
    total += kib * 1024;
    found = true;
    if (backend === 'pss') break;
  }
  return found ? total : -1;
}

/** Whitespace-separated pids, as in a `children` file. */
export function parsePidList(text: string): number[] {
  const pids: number[] = [];
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    const pid = Number(word);
    if (Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}

/** The parent pid in `/proc/<pid>/stat`; undefined when the text is not a stat line. */
export function parentFromStat(text: string): number | undefined {
  // The command name is in parentheses and may contain spaces: fields resume after the last ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const parent = Number(text.slice(close + 2).split(' ')[1]);
  return Number.isInteger(parent) ? parent : undefined;
}

/** `/proc/<pid>/cmdline`: NUL-separated arguments; undefined when there are none (a kernel thread, a zombie). */
export function argumentsFromCmdline(raw: string): string[] | undefined {
  const args = raw.split('\0');
  if (args[args.length - 1] === '') args.pop();
  return args.length > 0 ? args : undefined;
}

/** AT_PAGESZ from the auxiliary vector (`/proc/self/auxv`: pairs of 64-bit little-endian words). */
export function pageSizeFromAuxv(auxv: Buffer): number | undefined {
  for (let offset = 0; offset + 16 <= auxv.length; offset += 16) {
    const type = Number(auxv.readBigUInt64LE(offset));
    if (type === 0) break; // AT_NULL
    if (type === 6) return Number(auxv.readBigUInt64LE(offset + 8));
  }
  return undefined;
}

/** The second field of statm (resident pages), from its first `length` bytes. -1 when absent. */
export function residentPagesInBytes(bytes: Uint8Array, length: number): number {
  let index = 0;
  while (index < length && bytes[index] !== SPACE) index++;
  index++;
  let pages = 0;
  let digits = 0;
  for (; index < length; index++) {
    const digit = bytes[index] - ZERO;
    if (digit < 0 || digit > 9) break;
    pages = pages * 10 + digit;
    digits++;
  }
  return digits > 0 ? pages : -1;
}

/** Pids separated by spaces (or any non-digit), from the first `length` bytes, each once, into `into`. */
export function pidsInBytes(bytes: Uint8Array, length: number, into: number[]): void {
  let pid = 0;
  let digits = 0;
  for (let index = 0; index <= length; index++) {
    const digit = index < length ? bytes[index] - ZERO : -1;
    if (digit >= 0 && digit <= 9) {
      pid = pid * 10 + digit;
      digits++;
    } else if (digits > 0) {
      if (!into.includes(pid)) into.push(pid);
      pid = digits = 0;
    }
  }
}
