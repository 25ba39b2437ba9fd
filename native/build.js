'use strict';
// `npm install` runs this: build memprof's optional native addon (native/memprof.cc) with node-gyp.
// It is optional: without a compiler, Node's headers, or with MEMPROF_NO_ADDON=1, the install still
// succeeds and memprof uses its JavaScript fallback (Allocated is then an estimate; see
// docs/line-profiling.md). One line says which happened.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');

const root = resolve(__dirname, '..');

function say(text) {
  process.stdout.write(`memprof: ${text}\n`);
}

/** npm passes its own node-gyp to scripts; otherwise look for the one bundled with npm. */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((candidate) => candidate && existsSync(candidate));
}

function main() {
  if (process.env.MEMPROF_NO_ADDON === '1') {
    say('native addon not built (MEMPROF_NO_ADDON=1); using the JavaScript fallback');
    return;
  }
  const gyp = nodeGyp();
  if (!gyp) {
    say('native addon not built (node-gyp not found); using the JavaScript fallback');
    return;
  }
  const args = [gyp, 'rebuild'];
  // Headers installed beside this Node (as Debian's nodejs-dev does) spare node-gyp a download.
  const headers = join(dirname(process.execPath), '..', 'include', 'node');
  if (!process.env.npm_config_nodedir && existsSync(join(headers, 'node.h'))) args.push(`--nodedir=${dirname(dirname(headers))}`);
  const build = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (build.status === 0) {
    say('native addon built (exact Allocated, cheaper samples)');
    return;
  }
  const output = `${build.stderr ?? ''}${build.stdout ?? ''}`.trim().split('\n');
  const reason = output.find((line) => /error/i.test(line)) ?? output.at(-1) ?? 'node-gyp failed';
  say(`native addon not built (${reason.trim().slice(0, 160)}); using the JavaScript fallback`);
}

main();
