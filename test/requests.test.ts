// Per-request accounts: a service with two routes is driven with overlapping requests on 127.0.0.1;
// MEMPROF_REQUESTS=1 tells the routes apart by what their requests allocated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { get } from 'node:http';
import { join } from 'node:path';
import { FIXTURES, REGISTER, ROOT } from './helpers';
import { collapsePath } from '../src/reporters/requests';

function fetch(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

test('ids in paths are collapsed when the framework names no route', () => {
  assert.equal(collapsePath('/users/42/orders/9f1c2d3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f?x=1'), '/users/:id/orders/:id');
  assert.equal(collapsePath('/files/0123456789abcdef'), '/files/:id');
  assert.equal(collapsePath('/health'), '/health');
});

test('MEMPROF_REQUESTS=1: two routes with different allocations, overlapping requests, told apart', async () => {
  const child = spawn(process.execPath, ['-r', REGISTER, join(FIXTURES, 'requests', 'server.js')], {
    env: { ...process.env, NODE_OPTIONS: '', MEMPROF_REQUESTS: '1', MEMPROF_MAX_TABLES: '0', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no server: ${stdout} ${stderr}`)), 20_000);
      const look = () => {
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        } else setTimeout(look, 20);
      };
      look();
    });
    for (let round = 0; round < 2; round++) {
      const bodies = await Promise.all([fetch(port, '/small'), fetch(port, '/large/7'), fetch(port, '/small?x=1'), fetch(port, '/large/8')]);
      assert.deepEqual(bodies, ['small 1000000\n', 'large 5000000\n', 'small 1000000\n', 'large 5000000\n']);
    }
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, stderr);
  const rows = stdout.slice(stdout.indexOf('memprof: memory per request')).split('\n');
  const large = rows.find((row) => row.trimStart().startsWith('GET /large/:id'));
  const small = rows.find((row) => row.trimStart().startsWith('GET /small'));
  assert.ok(large && small, stdout);
  const median = (row: string) => Number(/^\s*GET \S+\s+(\d+)\s+([\d.]+) MiB/.exec(row)?.[2]);
  const count = (row: string) => Number(/^\s*GET \S+\s+(\d+)/.exec(row)?.[1]);
  assert.equal(count(large), 4);
  assert.equal(count(small), 4);
  // 5 million small integers per /large request (38.1 MiB), 1 million per /small one (7.6 MiB). Without
  // the native addon (the fallback run) a collection during a line hides part of what it allocated:
  // the routes are still told apart, by an estimate that can only fall short.
  if (process.env.MEMPROF_NO_ADDON === '1') {
    assert.ok(median(large) > median(small) && median(large) <= 38.6 && median(small) <= 7.9, `${large}\n${small}`);
  } else {
    assert.ok(Math.abs(median(large) - 38.1) <= 0.5, large);
    assert.ok(Math.abs(median(small) - 7.6) <= 0.3, small);
  }
  assert.match(large, /server\.js:\d+ large/);
});

test('memprof run --requests gives the accounts to every Node process it starts', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'memprof-requests-'));
  try {
    const script = 'const http=require("http");const s=http.createServer((q,r)=>r.end("ok"));s.listen(0,"127.0.0.1",()=>http.get({host:"127.0.0.1",port:s.address().port,path:"/ping/12"},(r)=>{r.resume();r.on("end",()=>s.close());}));';
    const run = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'run', '--requests', '-o', join(cwd, 'r.dat'), process.execPath, '-e', script], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^memprof: memory per request, by route \(1 requests;/m);
    assert.match(run.stdout, /^\s+GET \/ping\/:id\s+1\s/m);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
