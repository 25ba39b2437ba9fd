// Output files are replaced only by complete ones: the text goes to a temporary file beside the
// target, which is then renamed over it, so that a full disk or an interrupted write never leaves
// half a page, report or budget where the old one was.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Throws the file system's error (the temporary file removed); callers say it their way. */
export function writeWholeFile(path: string, data: string | Uint8Array): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
