// How the picture writes numbers and text, in process: seconds, MiB, slopes, dates, coordinates,
// XML escaping of untrusted text, and text measured with DejaVu Sans' advance widths and elided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallData, PlotData } from '../../src/plot/model';
import { describeCall, escapeXml, fixed, formatMiB, formatSeconds, formatSlope, formatStart, px, textElement } from '../../src/plot/svg/format';
import { elide, ELLIPSIS, textWidth } from '../../src/plot/svg/text-metrics';

test('seconds: 3 significant digits or more, MiB: 1 decimal (2 under 1 MiB), slopes signed', () => {
  assert.deepEqual(
    [0.0005, 0.1234, 1.5, 12.34, 123.4, -0.5].map(formatSeconds),
    ['0.001 s', '0.123 s', '1.50 s', '12.3 s', '123 s', '-0.500 s'],
  );
  assert.deepEqual([150.26, 1.25, 0.125, 0].map(formatMiB), ['150.3 MiB', '1.3 MiB', '0.13 MiB', '0.00 MiB']);
  assert.deepEqual([4, -1.5, 12.34, 0.05, 0].map(formatSlope), ['+4.00 MiB/s', '\u22121.50 MiB/s', '+12.3 MiB/s', '+0.050 MiB/s', '+0.000 MiB/s']);
  assert.equal(fixed(-2.5, 0), '-2', 'halves round up');
  assert.equal(fixed(2.5, 0), '3');
  assert.equal(fixed(1.234), '1.2', 'one decimal by default');
});

test('coordinates to a tenth, start times in local time', () => {
  assert.deepEqual([1.25, 1.26, 2, -0.04, 100.04].map(px), ['1.3', '1.3', '2', '0', '100']);
  const local = new Date(2024, 0, 2, 3, 4, 5).getTime() / 1000;
  assert.equal(formatStart(local), '2024-01-02 03:04:05');
  assert.equal(formatStart(local + 0.9), '2024-01-02 03:04:05', 'seconds are not rounded up');
});

test('XML escaping: markup characters and quotes escaped, characters XML cannot hold replaced', () => {
  assert.equal(escapeXml(`<a href="x">&'`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  assert.equal(escapeXml('a\u0000b\u0001c\u001fd\u007fe\uFFFEf\uFFFF'), 'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFD');
  assert.equal(escapeXml('tab\tline\nreturn\r'), 'tab\tline\nreturn\r', 'whitespace XML allows stays');
  assert.equal(escapeXml('\uD800x\uDC00'), '\uFFFDx\uFFFD', 'lone surrogates');
  assert.equal(escapeXml('\uD83D\uDE00'), '\uD83D\uDE00', 'a surrogate pair is one character');
  assert.equal(escapeXml('\u2028&amp;'), '\u2028&amp;amp;');
  assert.equal(textElement(1.25, 2, 'a<b', 'class="x"'), '<text x="1.3" y="2" class="x">a&lt;b</text>');
  assert.equal(textElement(0, 0, 'plain'), '<text x="0" y="0">plain</text>');
});

test('a call described in one line: name, process, duration, memory at entry and exit', () => {
  const data = { functions: [{ name: 'Store.save', label: 'Store.save', color: '#000000' }] } as unknown as PlotData;
  const call: CallData = { function: 0, series: 0, entryTime: 1, exitTime: 1.25, entryMemory: 10, exitMemory: 12.5, level: 0, group: 0, row: 0 };
  assert.equal(describeCall(data, call), 'Store.save: 0.250 s, 10.0 MiB at entry, 12.5 MiB at exit');
  assert.equal(describeCall(data, { ...call, pid: 42 }), 'Store.save (pid 42): 0.250 s, 10.0 MiB at entry, 12.5 MiB at exit');
});

test('text width: DejaVu Sans advance widths, bold wider, other characters 1 em each', () => {
  assert.equal(textWidth('', 12), 0);
  assert.ok(Math.abs(textWidth('A', 10) - 6.84) < 1e-9);
  assert.ok(Math.abs(textWidth('A', 10, true) - 7.74) < 1e-9);
  assert.ok(Math.abs(textWidth('il', 10) - 5.56) < 1e-9, 'narrow letters are narrow');
  assert.ok(Math.abs(textWidth('WW', 10) - 19.78) < 1e-9);
  assert.equal(textWidth('日本', 10), 20);
  assert.equal(textWidth('\uD83D\uDE00', 10), 10, 'a surrogate pair counts once');
  assert.ok(Math.abs(textWidth('handle 0.250 s', 11) - (textWidth('handle', 11) + textWidth(' 0.250 s', 11))) < 1e-9);
});

test('elide: text that fits is kept, else cut to fit with an ellipsis, never inside a character', () => {
  assert.equal(elide('handle', 100, 11), 'handle');
  assert.equal(elide('parseIncomingRequest', textWidth(`parse${ELLIPSIS}`, 11), 11), `parse${ELLIPSIS}`);
  assert.equal(elide('abc', 1, 11), '', 'not even one character fits');
  assert.equal(elide('\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00', 25, 10), `\uD83D\uDE00${ELLIPSIS}`);
  const name = 'parseIncomingRequestPayloadAndValidateEveryField';
  for (let max = 5; max < 300; max += 7) {
    for (const bold of [false, true]) {
      const cut = elide(name, max, 12, bold);
      assert.ok(textWidth(cut, 12, bold) <= max, `"${cut}" fits ${max} px`);
      assert.ok(cut === '' || cut === name || (cut.endsWith(ELLIPSIS) && name.startsWith(cut.slice(0, -1))), cut);
      // The longest cut that fits: one more character would not.
      if (cut.endsWith(ELLIPSIS)) assert.ok(textWidth(name.slice(0, cut.length) + ELLIPSIS, 12, bold) > max, `"${cut}" is the longest at ${max} px`);
    }
  }
});
