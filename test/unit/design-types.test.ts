// tsc's type serialisation for decorator metadata, in process: annotation in, runtime value out
// (the differential test/typescript.test.ts checks the whole against real tsc output).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSync, traverse, type NodePath } from '@babel/core';
import generate from '@babel/generator';
import * as t from '@babel/types';
import { TypeSerializer, type MetadataSettings } from '../../src/instrument/design-types';

/** The serialised type of field `x` in `source` (which declares `class C { x: <type> }`). */
function serialize(source: string, settings: MetadataSettings): string {
  const ast = parseSync(source, { filename: '/app/c.ts', babelrc: false, configFile: false, presets: [require.resolve('@babel/preset-typescript')] });
  let code = '';
  traverse(ast!, {
    ClassDeclaration(path: NodePath<t.ClassDeclaration>) {
      if (path.node.id?.name !== 'C') return;
      const field = path.node.body.body.find((member): member is t.ClassProperty => t.isClassProperty(member))!;
      const annotation = (field.typeAnnotation as t.TSTypeAnnotation).typeAnnotation;
      code = generate(new TypeSerializer(path, settings, t.identifier('self')).serialize(annotation)).code;
    },
  });
  return code;
}

const STRICT = { strictNullChecks: true, target: 2022 };
const LOOSE = { strictNullChecks: false, target: 5 };

const CASES: Array<[string, MetadataSettings, string, string]> = [
  ['string', STRICT, '', 'String'],
  ['string | null', STRICT, '', 'Object'],
  ['string | null', LOOSE, '', 'String'],
  ["'a' | 'b'", STRICT, '', 'String'],
  ['number[]', STRICT, '', 'Array'],
  ['bigint', STRICT, '', 'BigInt'],
  ['bigint', LOOSE, '', 'Object'],
  ['void', STRICT, '', 'void 0'],
  ['() => void', STRICT, '', 'Function'],
  ['Id', STRICT, 'type Id = number;', 'Number'],
  ['Shape', STRICT, 'interface Shape { a: 1 }', 'Object'],
  ['Color', STRICT, 'enum Color { Red, Green }', 'Number'],
  ['Local', STRICT, 'class Local {}', 'Local'],
  ['C', STRICT, '', 'self'],
  ['Promise<number>', STRICT, '', 'Promise'],
  ['Imported', STRICT, "import { Imported } from './elsewhere';", '(type => typeof type === "function" ? type : Object)(typeof Imported === "undefined" ? void 0 : Imported)'],
];

for (const [type, settings, declarations, expected] of CASES) {
  test(`design type of ${type}${settings === LOOSE ? ' (no strictNullChecks, ES5)' : ''}${declarations ? ` with ${declarations}` : ''}`, () => {
    assert.equal(serialize(`${declarations}\nclass C { x: ${type}; }`, settings), expected);
  });
}
