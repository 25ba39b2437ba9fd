// In-process unit tests of the streaming `.dat` reader: lines read through a small buffer (split
// across reads, CRLF, multi-byte characters, a last line without its newline, lines longer than the
// buffer or than the reader keeps), numbers parsed exactly as Number() parses them, damaged lines
// counted as the whole-file reader counts them, memprof's CALL and MEASURE lines (a CALL line and the
// FUNC line after it), and `memprof peak` from the stream. Files are small
// and written to a temporary folder: milliseconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLines, textLines } from '../../src/record/line-reader';
import { DatError, scanDatFile, scanDatText } from '../../src/record/dat-scan';
import { parseDat, readDat } from '../../src/record/dat';
import { funcLine, measureLine } from '../../src/shared/dat-lines';
import { peakSummary, readPeakSummary } from '../../src/record/peak';
import { tempDirs } from '../temp-dirs';

const tempDir = tempDirs('memprof-reader-');

type Line = [string | null, boolean];

function fileLines(path: string, bufferBytes: number, maxLineBytes?: number): Line[] {
  const lines: Line[] = [];
  readLines(path, (line, terminated) => lines.push([line, terminated]), { bufferBytes, maxLineBytes });
  return lines;
}

function memoryLines(text: string): Line[] {
  const lines: Line[] = [];
  textLines(text, (line, terminated) => lines.push([line, terminated]));
  return lines;
}

test('lines through a small buffer: split across reads, CRLF, multi-byte characters, an unterminated last line', () => {
  const dir = tempDir();
  const texts = [
    'MEM 1.000000 10.0000\nMEM 2.000000 10.1000\n',
    'CMDLINE node caf\u00e9.js \u{1F600}\r\nMEM 1 2\r\nlast without newline',
    '\n\n\r\nMEM 3 4\n',
    'one line only, no newline',
    '',
    'x'.repeat(100) + '\n' + 'y'.repeat(37) + '\r\n' + 'z',
  ];
  for (const [index, text] of texts.entries()) {
    const path = join(dir, `${index}.dat`);
    writeFileSync(path, text);
    const expected = memoryLines(text);
    // Every buffer size from one byte: each line is cut at every place once.
    for (let bufferBytes = 1; bufferBytes <= text.length + 2; bufferBytes++) {
      assert.deepEqual(fileLines(path, bufferBytes), expected, `text ${index}, buffer of ${bufferBytes} bytes`);
    }
  }
  assert.deepEqual(memoryLines('a\r\nb\n\rc\r'), [['a', true], ['b', true], ['\rc\r', false]], 'only a \\r before a \\n ends a line with it');
  assert.deepEqual(memoryLines('CMDLINE caf\u00e9\n'), [['CMDLINE caf\u00e9', true]]);
});

test('a line longer than the reader keeps is skipped, as null, and the lines after it are read', () => {
  const dir = tempDir();
  const path = join(dir, 'long.dat');
  writeFileSync(path, `MEM 1 2\n${'9'.repeat(50)}\nMEM 3 4\n${'8'.repeat(40)}`);
  for (const bufferBytes of [1, 4, 16, 64]) {
    assert.deepEqual(
      fileLines(path, bufferBytes, 20),
      [['MEM 1 2', true], [null, true], ['MEM 3 4', true], [null, false]],
      `buffer of ${bufferBytes} bytes`,
    );
  }
  // Up to the limit, a line is read whole, the buffer growing for it.
  assert.deepEqual(fileLines(path, 4, 50)[1], ['9'.repeat(50), true]);
});

test('the streaming reader finds what the whole-text reader finds, damaged lines included', () => {
  const text = [
    'CMDLINE python app.py',
    'MEM 10.000000 1700000000.0000',
    '',
    'MEM 1.0',
    'MEM abc 1700000000.1000',
    'MEM 12.000000 1700000000.2000',
    'CHLD x 1.0 1700000000.2000',
    'CHLD 12 1.000000 1700000000.2000',
    'FUNC f 10.0000 1700000000.0500 12.0000 1700000000.1500 0',
    'CHLDFUNC 12 h 1.0000 1700000000.1000 1.5000 1700000000.2000 2',
    'MEM 1 2 3',
    'MEM  1',
    'CHLD 12 1 2 ',
    'WHATEVER 1 2',
    'MEM 13.000000 1700000000.3000\r',
    'MEM 99.000000 17000',
  ].join('\n');
  const path = join(tempDir(), 'damaged.dat');
  writeFileSync(path, text);
  const whole = parseDat(text, 'damaged.dat');
  const streamed = readDat(path);
  assert.deepEqual({ ...streamed, filename: 'damaged.dat' }, whole);
  assert.deepEqual(whole.counts, { mem: 3, child: 1, func: 2 });
  assert.deepEqual(
    whole.mem.map((sample) => sample.mib),
    [10, 12, 13],
  );
  // Lines 3, 4, 5, 7, 11, 12, 13, 14 and 16 (no newline: cut short).
  assert.equal(whole.damaged, 9);
  assert.deepEqual(whole.damagedLines, [3, 4, 5, 7, 11]);
  // A visitor gets the records it asks for, in file order; the others still count.
  const mem: number[] = [];
  const scan = scanDatText(text, { mem: (mib) => mem.push(mib) });
  assert.deepEqual(mem, [10, 12, 13]);
  assert.deepEqual(scan.counts, whole.counts);
  assert.equal(scan.cmdline, 'python app.py');
});

test('numbers: read in place exactly as Number() reads them, the same forms refused as before', () => {
  const valueOf = (text: string): number | undefined => parseDat(`MEM ${text} 1\n`).mem[0]?.mib;
  for (const text of ['1', '1.', '.5', '+2.5', '-0.25', '007', '62.8125', '1e3', '1.5E-2', '-1e+2', '123456789012345678', '0.1234567890123456789012345']) {
    assert.equal(valueOf(text), Number(text), text);
  }
  for (const text of ['', '.', '-', '+.', 'nan', 'inf', 'Infinity', '0x10', '1.2.3', '1e', '1e999', '--1', '1-', '١']) {
    assert.equal(valueOf(text), undefined, JSON.stringify(text));
  }
  // Random decimals of every length and precision mprof writes, and some it does not.
  let state = 7;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let index = 0; index < 5_000; index++) {
    const digits = 1 + Math.floor(random() * 18);
    const decimals = Math.floor(random() * 24);
    const value = (random() * 10 ** digits).toFixed(Math.min(decimals, 20));
    assert.ok(Object.is(valueOf(value), Number(value)), value);
  }
  // Pids and levels: digits only.
  assert.equal(parseDat('CHLD 1234567890123456789 1 2\n').children.size, 1);
  assert.equal(parseDat('CHLD +12 1 2\nCHLD 1.0 1 2\n').damaged, 2);
  assert.equal(parseDat('FUNC f 1 2 3 4 -1\n').damaged, 1);
});

test('an unreadable file is a DatError naming it; a visitor\'s own error is not', () => {
  const dir = tempDir();
  assert.throws(() => scanDatFile(join(dir, 'none.dat'), {}), (error) => error instanceof DatError && error.message === `cannot read ${join(dir, 'none.dat')}: no such file`);
  assert.throws(() => scanDatFile(dir, {}), (error) => error instanceof DatError && error.message === `cannot read ${dir}: is a directory`);
  const path = join(dir, 'x.dat');
  writeFileSync(path, 'MEM 1 2\n');
  assert.throws(
    () =>
      scanDatFile(path, {
        mem: () => {
          throw new RangeError('mine');
        },
      }),
    RangeError,
  );
});

test('memprof peak from the stream gives what it gives on the whole file, with and without --func', () => {
  const text = [
    'FUNC __main__.outer 5.0000 100.0500 7.0000 100.5000 0',
    'MEM 1.000000 100.0000',
    'CHLD 9 3.000000 100.0000',
    'MEM 8.250000 100.1000',
    'CHLD 8 2.000000 100.1000',
    'MEM 62.812500 100.6000',
    'CHLD 9 4.500000 100.2000',
    'CHLDFUNC 9 inner 3.0000 100.1500 4.0000 100.2500 1',
    'CHLDFUNC 7 inner 1.0000 100.1500 1.5000 100.2500 0',
    'FUNC __main__.outer 6.0000 100.5500 9.0000 100.6500 0',
    'MEM 70.000000 100.7000',
  ].join('\n') + '\n';
  const path = join(tempDir(), 'peaks.dat');
  writeFileSync(path, text);
  const whole = parseDat(text, 'peaks.dat');
  for (const func of [undefined, 'outer', '__main__.outer', 'inner', 'missing']) {
    const streamed = readPeakSummary(path, 'peaks.dat', func);
    assert.deepEqual(streamed.summary, peakSummary(whole, func), `--func ${func}`);
    assert.equal(streamed.scan.damaged, 0);
  }
  assert.equal(peakSummary(whole).text, 'peaks.dat\t70.000 MiB\n  Child 9\t\t\t4.500 MiB\n  Child 8\t\t\t2.000 MiB\n');
  // 62.8125 (during the second call) rounds to even, as Python's %.3f: 62.812.
  assert.equal(peakSummary(whole, 'outer').text, 'peaks.dat\t62.812 MiB\n');
  // In each process where it ran: 9 has samples, 7 only its call.
  assert.equal(peakSummary(whole, 'inner').text, 'peaks.dat\tNaN MiB\n  Child 9\t\t\t4.500 MiB\n  Child 7\t\t\t1.500 MiB\n');
  assert.deepEqual(peakSummary(whole, 'missing'), { text: 'peaks.dat\tNaN MiB\n', found: false, functions: ['__main__.outer', 'inner'] });
});

test('CALL and MEASURE lines: each CALL line goes to the FUNC or CHLDFUNC line after it; blanks, % and newlines in file names', () => {
  const file = '/srv/my app/100%/new\nline\r.js';
  const text =
    'CMDLINE node app.js\n' +
    measureLine({ backend: 'pss', scope: 'tree' }) +
    'MEM 10.000000 1700000000.0000\n' +
    funcLine({ name: 'delay', mem0: 1, t0: 2, mem1: 3, t1: 4, level: 1, context: { thread: 0, id: 2, parent: 1, file, line: 9 } }) +
    funcLine({ name: 'work', mem0: 1, t0: 2, mem1: 3, t1: 4, level: 0, pid: 77, context: { thread: 3, id: 1, parent: 0, file: '', line: 0 } }) +
    funcLine({ name: 'old', mem0: 1, t0: 2, mem1: 3, t1: 4, level: 0 });
  assert.match(text, /^CALL 0 2 1 9 \/srv\/my app\/100%25\/new%0Aline%0D\.js\nFUNC delay /m, 'the file is the rest of the line, one line');
  assert.match(text, /^CALL 3 1 0 0 \nCHLDFUNC 77 work /m);
  assert.match(text, /^MEASURE pss tree$/m);
  const dat = parseDat(text, 'calls.dat');
  assert.equal(dat.damaged, 0);
  assert.deepEqual(dat.measure, { backend: 'pss', scope: 'tree' });
  assert.deepEqual(
    dat.funcs.map((call) => call.context),
    [{ thread: 0, id: 2, parent: 1, file, line: 9 }, { thread: 3, id: 1, parent: 0, file: '', line: 0 }, undefined],
  );
  assert.deepEqual(dat.counts, { mem: 1, child: 0, func: 3 });
  // Files without them: no measure, no context.
  const old = parseDat('MEM 1.0 2.0\nFUNC f 1 2 3 4 0\n');
  assert.equal(old.measure, undefined);
  assert.ok(!('context' in old.funcs[0]));
});

test('a CALL line without its FUNC line is damaged, and the lines around it are read as before', () => {
  const func = 'FUNC f 1.0000 2.0000 3.0000 4.0000 0';
  const text = [
    'MEM 10.000000 1700000000.0000',
    'CALL 0 1 0 5 /a.js', // 2: followed by MEM
    'MEM 11.000000 1700000000.1000',
    'CALL 0 2 0 5 /a.js', // 4: followed by another CALL
    'CALL 0 3 0 5 /a.js', // 5: taken by the FUNC line after it
    func,
    'CALL 0 4 0 5 /a.js', // 7: its FUNC line is damaged (8)
    'FUNC g 1.0000 2.0000',
    'CALL x 5 0 5 /a.js', // 9: not a number
    func, // 10: read, without a context
    'CALL 0 6 0 5', // 11: no file field
    'MEASURE heap', // 12: no scope
    'MEASURE RSS process', // 13: not a backend memprof writes
    'MEASURE rss process later-field', // read: fields after the scope are for later versions
    'CALL 0 7 0 5 /a.js', // 15: the last line
  ].join('\n') + '\n';
  const path = join(tempDir(), 'calls.dat');
  writeFileSync(path, text);
  const whole = parseDat(text, 'calls.dat');
  assert.deepEqual({ ...readDat(path), filename: 'calls.dat' }, whole, 'the stream reads what the text reads');
  assert.deepEqual(whole.funcs.map((call) => call.context?.id), [3, undefined]);
  assert.deepEqual(whole.mem.map((sample) => sample.mib), [10, 11]);
  assert.equal(whole.damaged, 9);
  assert.deepEqual(whole.damagedLines, [2, 4, 7, 8, 9]);
  assert.deepEqual(whole.measure, { backend: 'rss', scope: 'process' });
  // Cut short after its CALL line: the CALL line is damaged as well as the half FUNC line.
  const cut = parseDat(`MEM 1.0 2.0\nCALL 0 1 0 5 /a.js\nFUNC f 1.0000 2.0`);
  assert.deepEqual([cut.damaged, cut.damagedLines, cut.funcs.length], [2, [2, 3], 0]);
});
