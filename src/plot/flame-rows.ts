// Rows of a flame band: each call goes to its nesting level if that row is free over its time span,
// else to the next free row above. Concurrent async calls (which the level counts, but which may end
// in any order) and files without levels (old mprof) never overlap this way. A recording of hours has
// tens of thousands of calls in a row: each row is kept sorted, so that finding a clash is a binary
// search, not a look at every call already placed.
import type { CallData } from './model';

/** The first index in [0, length) where `isAfter` turns true (it is false, then true, along the array). */
function firstIndex(length: number, isAfter: (index: number) => boolean): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (isAfter(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * The time spans of one row's calls. No two overlap, so sorted by entry they are sorted by exit too
 * (a span that starts later cannot end earlier without being inside the other).
 */
class Row {
  private readonly entries: number[] = [];
  private readonly exits: number[] = [];

  /** Whether [entry, exit] overlaps a span of the row, or is one of them exactly (two calls of no length at the same moment). */
  clashes(entry: number, exit: number): boolean {
    const { entries, exits } = this;
    // The first span ending after `entry`: the only one that can overlap, if it starts before `exit`.
    const next = firstIndex(exits.length, (index) => exits[index] > entry);
    if (next < exits.length && entries[next] < exit) return true;
    if (exit !== entry) return false;
    for (let index = firstIndex(exits.length, (i) => exits[i] >= entry); index < next; index++) if (entries[index] === entry) return true;
    return false;
  }

  add(entry: number, exit: number): void {
    const { entries, exits } = this;
    const at = firstIndex(entries.length, (index) => entries[index] > entry || (entries[index] === entry && exits[index] > exit));
    entries.splice(at, 0, entry);
    exits.splice(at, 0, exit);
  }
}

/** Sets each call's row; returns the number of rows (at least 1). */
export function assignRows(calls: CallData[]): number {
  const order = [...calls].sort((a, b) => a.level - b.level || a.entryTime - b.entryTime || b.exitTime - a.exitTime);
  const rows: Row[] = [];
  for (const call of order) {
    let row = call.level;
    while (rows[row]?.clashes(call.entryTime, call.exitTime)) row++;
    (rows[row] ??= new Row()).add(call.entryTime, call.exitTime);
    call.row = row;
  }
  return Math.max(1, rows.length);
}
