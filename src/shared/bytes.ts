// Byte amounts as people write them in tests: 1048576, '1 MiB', '1.5MB', '512 KiB'.
import { primordials } from './primordials';

const { JSONStringify, MathAbs, MathRound, NumberCtor, NumberIsFinite, NumberPrototypeToFixed, RegExpPrototypeExec, StringPrototypeToLowerCase } = primordials;
const AMOUNT = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i;
/** Keys are checked by the pattern above, so the lookup never reaches Object.prototype. */
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

export function parseBytes(value: number | string): number {
  if (typeof value === 'number' && NumberIsFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const match = RegExpPrototypeExec(AMOUNT, value);
    if (match) return NumberCtor(match[1]) * UNITS[StringPrototypeToLowerCase(match[2] ?? 'b')];
  }
  throw new TypeError(`memprof: expected a byte amount like 1048576 or '1 MiB', got ${JSONStringify(value)}`);
}

export function formatBytes(bytes: number): string {
  const mib = bytes / 1024 ** 2;
  return MathAbs(mib) >= 1 ? `${NumberPrototypeToFixed(mib, 1)} MiB` : `${MathRound(bytes / 1024)} KiB`;
}

/** A size for reports: bytes below 1 KiB, KiB below 1 MiB, else MiB, one decimal ("100.0 KiB", "56 B"). */
export function formatSize(bytes: number): string {
  const abs = MathAbs(bytes);
  if (abs >= 1024 ** 3) return `${NumberPrototypeToFixed(bytes / 1024 ** 3, 1)} GiB`;
  if (abs >= 1024 ** 2) return `${NumberPrototypeToFixed(bytes / 1024 ** 2, 1)} MiB`;
  if (abs >= 1024) return `${NumberPrototypeToFixed(bytes / 1024, 1)} KiB`;
  return `${MathRound(bytes)} B`;
}

/** A change in size, always signed: "+15.3 MiB", "-56 B", "0 B". */
export function formatSizeChange(bytes: number): string {
  return `${bytes > 0 ? '+' : ''}${formatSize(bytes)}`;
}
