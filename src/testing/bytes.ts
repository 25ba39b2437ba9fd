// Byte amounts as people write them in tests: 1048576, '1 MiB', '1.5MB', '512 KiB'.
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
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i.exec(value);
    if (match) return Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()];
  }
  throw new TypeError(`memprof: expected a byte amount like 1048576 or '1 MiB', got ${JSON.stringify(value)}`);
}

export function formatBytes(bytes: number): string {
  const mib = bytes / 1024 ** 2;
  return Math.abs(mib) >= 1 ? `${mib.toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
