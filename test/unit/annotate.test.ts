// The annotated-source page's model and HTML, in process, from scripted call reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotate } from '../../src/annotate/model';
import { annotatedSourcePage, escapeHtml, lineAnchor } from '../../src/annotate/page';
import type { CallReport } from '../../src/reporters/call-report';

const MiB = 1024 * 1024;

function report(fn: string, file: string, lines: Array<[number, number]>, extra: Partial<CallReport> = {}): CallReport {
  const allocated = lines.reduce((sum, [, bytes]) => sum + bytes, 0);
  return {
    function: fn,
    file,
    firstLine: lines[0][0] - 1,
    lastLine: lines[lines.length - 1][0] + 1,
    metric: 'heap',
    entryBytes: 0,
    exitBytes: allocated,
    netBytes: allocated,
    allocatedBytes: allocated,
    freedBytes: 0,
    retainedBytes: null,
    allocationExact: true,
    peakBytes: allocated,
    durationMs: 1,
    threw: false,
    lineLevel: true,
    reentrant: false,
    lines: lines.map(([line, bytes]) => ({ line, source: `line ${line}`, occurrences: 1, incrementBytes: bytes, allocatedBytes: bytes, freedBytes: 0, usageBytes: 0 })),
    ...extra,
  };
}

test('line data of several processes merge by file and line; files and functions come heaviest first', () => {
  const files = annotate([
    report('light', '/app/light.js', [[5, 2 * MiB]]),
    report('heavy', '/app/heavy.js', [[10, 30 * MiB], [11, MiB]]),
    report('heavy', '/app/heavy.js', [[10, 30 * MiB]]), // another process, same function
  ]);
  assert.deepEqual(files.map((file) => [file.file, file.allocatedBytes / MiB]), [['/app/heavy.js', 61], ['/app/light.js', 2]]);
  const heavy = files[0];
  assert.equal(heavy.lines.get(10)?.allocatedBytes, 60 * MiB);
  assert.equal(heavy.lines.get(10)?.occurrences, 2);
  assert.equal([...heavy.functions.values()][0].calls, 2);
});

test('the page escapes what the program named, links functions to their lines, and draws heat bars', () => {
  const hostile = '<img src=x onerror=alert(1)>';
  const page = annotatedSourcePage(annotate([report(hostile, '/app/"quoted".js', [[2, 4 * MiB]])]), {
    title: 'report',
    inputs: ['run.json'],
    readSource: () => 'first\n<script>alert(2)</script>\nthird',
  });
  assert.doesNotMatch(page, /<img|<script>alert/);
  assert.ok(page.includes(escapeHtml(hostile)));
  assert.ok(page.includes(`href="#${lineAnchor(0, 1)}"`));
  assert.ok(page.includes(`id="${lineAnchor(0, 2)}" class="ran"`));
  assert.match(page, /<span style="width:100\.0%"><\/span>/);
  assert.match(page, /content="default-src 'none'; style-src 'unsafe-inline'"/);
});
