// memprof rm and clean take a recording's heap profiles (memprof run --heap-sampling) with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeProfiles } from '../../src/record/housekeeping';
import { tempDirs } from '../temp-dirs';

const tempDir = tempDirs('memprof-housekeeping-');

test('removing a recording removes its .heapprofiles folder, and nothing else', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'mprofile_20260101000000.dat'), 'MEM 1.0 1.0\n');
  mkdirSync(join(dir, 'mprofile_20260101000000.heapprofiles'));
  writeFileSync(join(dir, 'mprofile_20260101000000.heapprofiles', 'pid-1.heapprofile'), '{}');
  writeFileSync(join(dir, 'other.dat'), 'MEM 1.0 1.0\n');
  removeProfiles(['mprofile_20260101000000.dat'], dir);
  assert.equal(existsSync(join(dir, 'mprofile_20260101000000.dat')), false);
  assert.equal(existsSync(join(dir, 'mprofile_20260101000000.heapprofiles')), false);
  assert.equal(existsSync(join(dir, 'other.dat')), true);
});
