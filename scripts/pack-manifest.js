#!/usr/bin/env node
// The package.json that goes into the tarball (npm pack, npm publish): the same as the repository's,
// less the scripts that only make sense in a clone (build, test, demo, prepare...), which name files
// the tarball does not hold. Only `install` stays: it builds memprof's optional native addon
// (native/build.js) and does nothing when it cannot.
//   prepack:  node scripts/pack-manifest.js strip     (keeps the full manifest beside it)
//   postpack: node scripts/pack-manifest.js restore
// A pack that was interrupted between the two leaves the full manifest in package.json.unpacked:
// the next `strip` (or `restore`) puts it back first.
'use strict';
const { existsSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const MANIFEST = join(ROOT, 'package.json');
const KEPT = join(ROOT, 'package.json.unpacked');
const PACKED_SCRIPTS = ['install'];

function restore() {
  if (existsSync(KEPT)) renameSync(KEPT, MANIFEST);
}

function strip() {
  restore();
  const text = readFileSync(MANIFEST, 'utf8');
  const manifest = JSON.parse(text);
  const scripts = {};
  for (const name of PACKED_SCRIPTS) if (manifest.scripts?.[name]) scripts[name] = manifest.scripts[name];
  manifest.scripts = scripts;
  writeFileSync(KEPT, text);
  writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
}

const action = process.argv[2];
if (action === 'strip') strip();
else if (action === 'restore') restore();
else {
  process.stderr.write(`usage: node scripts/pack-manifest.js strip|restore (got ${JSON.stringify(action)})\n`);
  process.exitCode = 2;
}
