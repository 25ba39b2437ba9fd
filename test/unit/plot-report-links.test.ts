// memprof plot --report: links from a timeline's calls to their lines in an annotated-source page,
// in process, against pages that `memprof report --html` makes (src/annotate/page.ts): files found by
// their section (names escaped in the page), only lines the page shows linked, the page's address
// made a relative URL that cannot turn into a script or another site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotate } from '../../src/annotate/model';
import { annotatedSourcePage } from '../../src/annotate/page';
import type { CallReport } from '../../src/reporters/call-report';
import { relativeUrl, reportAnchors, reportLinker, ReportLinkError } from '../../src/plot/report-links';

function report(fn: string, file: string, firstLine: number, bytes: number): CallReport {
  return {
    function: fn,
    file,
    firstLine,
    lastLine: firstLine + 3,
    metric: 'heap',
    entryBytes: 0,
    exitBytes: bytes,
    netBytes: bytes,
    allocatedBytes: bytes,
    freedBytes: 0,
    retainedBytes: null,
    allocationExact: true,
    peakBytes: bytes,
    durationMs: 1,
    threw: false,
    lineLevel: true,
    reentrant: false,
    lines: [{ line: firstLine + 1, source: 'work()', occurrences: 1, incrementBytes: bytes, allocatedBytes: bytes, freedBytes: 0, usageBytes: 0 }],
  };
}

const ODD = `/srv/<a&b> 'q"/it's.js`;

function page(): string {
  const files = annotate([report('light', '/srv/light.js', 20, 1e6), report('heavy', '/srv/heavy.js', 4, 9e6), report('odd', ODD, 2, 5e6)]);
  return annotatedSourcePage(files, { title: 'lines', readSource: () => undefined, inputs: ['run.json'] });
}

test("a report's files and the line anchors it has, by the file names the line tables use", () => {
  const anchors = reportAnchors(page());
  assert.deepEqual([...anchors.keys()], ['/srv/heavy.js', ODD, '/srv/light.js'], 'heaviest first, as the page orders them; names unescaped');
  assert.deepEqual(
    [...anchors.values()].map((entry) => entry.index),
    [0, 1, 2],
  );
  // A function's lines, with two of context around (the page's rule), have rows.
  assert.ok(anchors.get('/srv/light.js')!.lines.has(20));
  assert.ok(!anchors.get('/srv/light.js')!.lines.has(40));
});

test('the linker: a function of the page to its first line, anything else to nothing; not a report page, an error', () => {
  const link = reportLinker(page(), 'reports/run 1.html');
  assert.equal(link('/srv/light.js', 20), 'reports/run%201.html#file-2-L20');
  assert.equal(link('/srv/heavy.js', 4), 'reports/run%201.html#file-0-L4');
  assert.equal(link(ODD, 2), 'reports/run%201.html#file-1-L2');
  assert.equal(link('/srv/light.js', 400), undefined, 'a line the page does not show');
  assert.equal(link('/srv/other.js', 4), undefined, 'a file the page does not have');
  assert.throws(
    () => reportLinker('<html><body>hello</body></html>', 'x.html', 'notes.html'),
    (error: unknown) => error instanceof ReportLinkError && error.message === 'notes.html is not a page of memprof report --html (it has no index of files)',
  );
  // The address stays a relative path: no scheme, query or fragment of its own.
  assert.equal(relativeUrl('javascript:alert(1)'), 'javascript%3Aalert(1)');
  assert.equal(relativeUrl('../up/a?b#c.html'), '../up/a%3Fb%23c.html');
  assert.equal(relativeUrl('//evil.example/x.html'), '/evil.example/x.html', 'not another host');
});
