// Writes this thread's profile into the folder: the whole file under a temporary name, then renamed
// over the final one, so that a reader (memprof plot, memprof snapshot waiting for it) never sees half
// a file, and a later profile of the same thread replaces an earlier one whole.
import { mkdirSync, renameSync, unlinkSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { append, primordials } from '../shared/primordials';
import type { HeapSampler } from './sampler';
import { profileFileName, type HeapProfileDocument, type ProfileKind, type WriteReason } from './profile-format';

// Taken when the hook loads, before the program can replace them (a mocked fs, a faked clock). The
// writes go through memprof's captured openSync/writeSync: fs.writeFileSync calls the fs module's own
// (replaceable) functions.
const makeFolder = mkdirSync;
const rename = renameSync;
const unlink = unlinkSync;
const now = Date.now;
const { BufferFrom, JSONStringify, fsCloseSync, fsOpenSync, fsWriteBytesSync, stderrWrite } = primordials;

/** `text` into a new file, all of it. */
function writeWhole(path: string, text: string): void {
  const bytes = BufferFrom(text, 'utf8');
  const fd = fsOpenSync(path, 'w');
  try {
    for (let done = 0; done < bytes.length; ) done += fsWriteBytesSync(fd, bytes, done, bytes.length - done);
  } finally {
    fsCloseSync(fd);
  }
}

function copyOf(list: readonly string[]): string[] {
  const copy: string[] = [];
  for (let index = 0; index < list.length; index++) append(copy, list[index]);
  return copy;
}

export interface WriterSettings {
  folder: string;
  kind: ProfileKind;
  interval: number;
}

export class ProfileWriter {
  private readonly startedAt = now();
  /** As the program was started: the program may rewrite process.argv (argument parsers do). */
  private readonly argv = copyOf(process.argv);
  private snapshots = 0;
  private failed = false;

  constructor(
    private readonly sampler: HeapSampler,
    private readonly settings: WriterSettings,
  ) {}

  /** The thread's profile (it ended, or is about to): the file without a snapshot number. */
  writeFinal(reason: WriteReason): string | undefined {
    return this.write(reason, undefined);
  }

  writeSnapshot(): string | undefined {
    return this.write('snapshot', ++this.snapshots);
  }

  private write(reason: WriteReason, snapshot: number | undefined): string | undefined {
    if (this.failed) return undefined;
    const name = profileFileName({ pid: process.pid, threadId, snapshot });
    // Not path.join: it runs Array methods, which the program may have replaced.
    const path = `${this.settings.folder}/${name}`;
    const temporary = `${this.settings.folder}/.${name}.${now()}.tmp`;
    try {
      // memprof run makes it; a program given MEMPROF_HEAP_PROFILES by hand may not have.
      makeFolder(this.settings.folder, { recursive: true });
      const { head, samples } = this.sampler.profile();
      const document: HeapProfileDocument = {
        memprof: {
          format: 1,
          pid: process.pid,
          ppid: process.ppid,
          threadId,
          argv: this.argv,
          node: process.version,
          kind: this.settings.kind,
          samplingInterval: this.settings.interval,
          reason,
          ...(snapshot !== undefined ? { snapshot } : {}),
          startedAt: this.startedAt,
          writtenAt: now(),
        },
        head,
        samples,
      };
      writeWhole(temporary, JSONStringify(document));
      rename(temporary, path);
      return path;
    } catch (error) {
      // Said once: a folder that went away must not print a line per snapshot.
      this.failed = true;
      try {
        unlink(temporary);
      } catch {
        // never written
      }
      stderrWrite(`memprof: cannot write the heap profile ${path}: ${(error as Error).message}\n`);
      return undefined;
    }
  }
}
