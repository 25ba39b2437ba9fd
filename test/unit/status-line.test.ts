// The live status line of `memprof run` (moved here from record-format.test.ts): only on a terminal,
// on the bottom row kept out of the scrolling region, throttled, cut to the width, released at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatStatus, StatusLine, statusSequences } from '../../src/record/status-line';

test('the status line: only on a terminal tall enough, and when allowed', () => {
  const write = () => true;
  assert.equal(StatusLine.wanted({ write, isTTY: false, rows: 24 }, true), false);
  assert.equal(StatusLine.wanted({ write, rows: 24 }, true), false);
  assert.equal(StatusLine.wanted({ write, isTTY: true, rows: 24 }, false), false);
  assert.equal(StatusLine.wanted({ write, isTTY: true }, true), false, 'a terminal of unknown height');
  assert.equal(StatusLine.wanted({ write, isTTY: true, rows: 2 }, true), false);
  assert.equal(StatusLine.wanted({ write, isTTY: true, rows: 24 }, true), true);
});

test('the status line: the bottom row reserved once, redrawn in place, throttled, released at the end', () => {
  const written: string[] = [];
  let now = 0;
  const sink = { write: (text: string) => written.push(text), isTTY: true, columns: 60, rows: 24 };
  const line = new StatusLine(sink, true, 250, () => now);
  const figures = { elapsedSeconds: 1.2, currentMiB: 50.04, peakMiB: 80, processes: 3, samples: 12, treeMiB: 120 };
  line.update(figures);
  now = 100;
  line.update(figures); // too soon: not drawn
  now = 300;
  line.update({ ...figures, samples: 1, processes: 1 });
  sink.rows = 30; // the terminal was resized
  now = 600;
  line.update(figures);
  line.clear();
  line.clear();
  assert.equal(written.length, 4);
  const status = formatStatus(figures).slice(0, 59); // cut to the terminal width
  assert.equal(status, 'memprof: recording 1.2 s  current 50.0 MiB (all 120.0 MiB) ');
  // Reserve: newline, save, region rows 1-23, restore, up one; then draw on row 24 and restore.
  assert.equal(written[0], '\n\x1b7\x1b[1;23r\x1b8\x1b[1A' + `\x1b7\x1b[24;1H\x1b[2K${status}\x1b8`);
  assert.equal(written[1], `\x1b7\x1b[24;1H\x1b[2K${formatStatus({ ...figures, samples: 1, processes: 1 }).slice(0, 59)}\x1b8`);
  assert.equal(written[2], statusSequences.reserve(30) + statusSequences.draw(30, status));
  // Release: save, whole-screen region, erase the bottom row, restore.
  assert.equal(written[3], '\x1b7\x1b[r\x1b[30;1H\x1b[2K\x1b8');
  assert.equal(
    formatStatus({ ...figures, samples: 1, processes: 1 }),
    'memprof: recording 1.2 s  current 50.0 MiB  peak 80.0 MiB  1 process  1 sample',
  );
});

test('the status line: a terminal too short for it is given back, and nothing drawn', () => {
  const written: string[] = [];
  let now = 0;
  const sink = { write: (text: string) => written.push(text), isTTY: true, columns: 80, rows: 24 };
  const line = new StatusLine(sink, true, 0, () => now++);
  line.update({ elapsedSeconds: 0, currentMiB: 1, peakMiB: 1, processes: 1, samples: 1 });
  sink.rows = 2;
  line.update({ elapsedSeconds: 0, currentMiB: 1, peakMiB: 1, processes: 1, samples: 2 });
  line.update({ elapsedSeconds: 0, currentMiB: 1, peakMiB: 1, processes: 1, samples: 3 });
  assert.equal(written.length, 2);
  assert.equal(written[1], statusSequences.release(2));
});
