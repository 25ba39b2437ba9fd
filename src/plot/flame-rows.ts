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

/** Rows [from, from + count) of `rows` are free over [entry, exit]. */
function freeRows(rows: readonly Row[], from: number, count: number, entry: number, exit: number): boolean {
  for (let row = from; row < from + count; row++) if (rows[row]?.clashes(entry, exit)) return false;
  return true;
}

/**
 * Sets each call's row from its caller: a call sits right above its caller, and calls that overlap
 * in time with the same caller (concurrent requests, at the top; calls run together by Promise.all)
 * each take a lane of their own, as tall as what they called, so that nothing of one lane is drawn
 * over another's. `parents[i]` is the index in `calls` of call i's caller, or -1 for none (a
 * caller not in the file, or a call without one). Returns the number of rows (at least 1).
 *
 * Lanes are packed lowest first: each call and everything under it is a block of rows over the
 * time from its first entry to its last exit, put in the lowest rows of its caller's lanes that are
 * free then. Iterative (callers nest as deep as recursion goes), each lane's rows kept sorted.
 */
export function assignNestedRows(calls: CallData[], parents: readonly number[]): number {
  const count = calls.length;
  const children: number[][] = Array.from({ length: count }, () => []);
  const roots: number[] = [];
  for (let index = 0; index < count; index++) {
    const parent = parents[index];
    if (parent >= 0 && parent < count && parent !== index) children[parent].push(index);
    else roots.push(index);
  }
  // Callers before the calls they made. A damaged file may close a loop of callers (a calls b calls
  // a): the loop's first call is made a root, cut from its caller.
  const order: number[] = [];
  const reached = new Uint8Array(count);
  const isRoot = new Uint8Array(count);
  const visit = (root: number): void => {
    isRoot[root] = 1;
    reached[root] = 1;
    for (let next = order.push(root) - 1; next < order.length; next++) {
      for (const child of children[order[next]]) {
        if (reached[child]) continue;
        reached[child] = 1;
        order.push(child);
      }
    }
  };
  for (const root of roots) visit(root);
  if (order.length < count) {
    const left = calls.map((_, index) => index).filter((index) => !reached[index]);
    left.sort((a, b) => calls[a].entryTime - calls[b].entryTime || a - b);
    for (const index of left) if (!reached[index]) visit(index);
  }
  // Blocks, innermost first: each call's time extent and height, and its lanes' offsets above it.
  const from = calls.map((call) => call.entryTime);
  const to = calls.map((call) => Math.max(call.entryTime, call.exitTime));
  const height = new Array<number>(count).fill(1);
  const offset = new Array<number>(count).fill(0);
  const byEntry = (a: number, b: number): number => from[a] - from[b] || to[b] - to[a] || a - b;
  const pack = (blocks: number[]): number => {
    // One block (a call that made one call: every level of a recursion) sits at the bottom. Packed
    // row by row it would cost its height, and a chain of n calls n² (20,000 deep: 30 s).
    if (blocks.length === 1) {
      offset[blocks[0]] = 0;
      return height[blocks[0]];
    }
    const rows: Row[] = [];
    let used = 0;
    for (const block of blocks.sort(byEntry)) {
      let at = 0;
      while (!freeRows(rows, at, height[block], from[block], to[block])) at++;
      for (let row = at; row < at + height[block]; row++) (rows[row] ??= new Row()).add(from[block], to[block]);
      offset[block] = at;
      used = Math.max(used, at + height[block]);
    }
    return used;
  };
  for (let position = order.length - 1; position >= 0; position--) {
    const index = order[position];
    const own = children[index].filter((child) => !isRoot[child]);
    if (own.length === 0) continue;
    for (const child of own) {
      from[index] = Math.min(from[index], from[child]);
      to[index] = Math.max(to[index], to[child]);
    }
    height[index] = 1 + pack(own);
  }
  const rows = pack(order.filter((index) => isRoot[index]));
  for (const index of order) {
    const parent = parents[index];
    calls[index].row = isRoot[index] ? offset[index] : calls[parent].row + 1 + offset[index];
  }
  return Math.max(1, rows);
}
