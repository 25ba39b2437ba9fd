// Writes this thread's profile into the folder: the whole file under a temporary name, then renamed
// over the final one, so that a reader (memprof plot, memprof snapshot waiting for it) never sees half
// a file, and a later profile of the same thread replaces an earlier one whole.
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { primordials } from '../shared/primordials';
import type { HeapSampler } from './sampler';
import { profileFileName, type HeapProfileDocument, type ProfileKind, type WriteReason } from './profile-format';

// Taken when the hook loads, before the program can replace them (a mocked fs, a faked clock).
const write = writeFileSync;
const makeFolder = mkdirSync;
const rename = renameSync;
const unlink = unlinkSync;
const stringify = JSON.stringify;
const now = Date.now;
const { stderrWrite } = primordials;

export interface WriterSettings {
  folder: string;
  kind: ProfileKind;
  interval: number;
}

export class ProfileWriter {
  private readonly startedAt = now();
  /** As the program was started: the program may rewrite process.argv (argument parsers do). */
  private readonly argv = [...process.argv];
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
    const path = join(this.settings.folder, name);
    const temporary = join(this.settings.folder, `.${name}.${now()}.tmp`);
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
      write(temporary, stringify(document));
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
