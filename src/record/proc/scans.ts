// Walks over many processes: every process on the system, or a whole tree. Each costs a file read
// per process, so the sampler uses them only as fallbacks or once (attach by name).
import { readdirSync, readFileSync } from 'node:fs';
import { parentFromStat, parsePidList } from './parsers';

/** Fallback when `children` files do not exist: the children of every process, from /proc/<pid>/stat. */
export function childrenByScan(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    let parent: number | undefined;
    try {
      parent = parentFromStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
    } catch {
      continue;
    }
    if (parent === undefined) continue;
    const list = byParent.get(parent);
    if (list) list.push(pid);
    else byParent.set(parent, [pid]);
  }
  return byParent;
}

/** All descendants of `pid` (children, grandchildren, ...), from the `children` files of every thread. */
export function descendants(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      let text: string;
      try {
        text = readFileSync(`/proc/${parent}/task/${tid}/children`, 'latin1');
      } catch {
        continue;
      }
      for (const child of parsePidList(text)) {
        if (!found.includes(child) && child !== pid) {
          found.push(child);
          queue.push(child);
        }
      }
    }
  }
  return found;
}

/** The first process (lowest pid, other than memprof itself) whose name contains `name`, like mprof's attach. */
export function findProcessByName(name: string): number | undefined {
  const pids = readdirSync('/proc')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid)
    .sort((a, b) => a - b);
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim().includes(name)) return pid;
    } catch {
      // gone
    }
  }
  return undefined;
}
