// tsc's runtime type serialisation for decorator metadata (typeSerializer.ts in TypeScript): which
// constructor a type annotation stands for at run time (`string` -> String, `Foo[]` -> Array, a class
// -> the class, an interface -> Object...). There is no type checker here: this file's own
// declarations stand in for it, and a name it imports is looked up at run time, as tsc does in
// isolated-module mode.
import type { NodePath } from '@babel/core';
import * as t from '@babel/types';

export interface MetadataSettings {
  /** tsconfig `strictNullChecks` (or `strict`): `T | null` is then no longer `T`. */
  strictNullChecks: boolean;
  /** tsconfig `target` as a year (5 for ES5): BigInt needs 2020, Symbol 2015, else `Object`. */
  target: number;
}

/** `void 0`: how tsc writes `undefined`. */
export function voidZero(): t.Expression {
  return t.unaryExpression('void', t.numericLiteral(0));
}

/** tsc's serializeTypeNode, with this file's declarations standing in for the type checker. */
export class TypeSerializer {
  private readonly resolving = new Set<t.Node>();

  constructor(
    private readonly scope: NodePath<t.Class>,
    private readonly settings: MetadataSettings,
    /** What the decorated class is called in a metadata value: it may not be initialised by its own name yet. */
    private readonly self: t.Identifier,
  ) {}

  serialize(type: t.TSType | undefined): t.Expression {
    if (!type) return t.identifier('Object');
    switch (type.type) {
      case 'TSParenthesizedType' as string:
        return this.serialize((type as unknown as { typeAnnotation: t.TSType }).typeAnnotation);
      case 'TSVoidKeyword':
      case 'TSUndefinedKeyword':
      case 'TSNeverKeyword':
        return voidZero();
      case 'TSFunctionType':
      case 'TSConstructorType':
        return t.identifier('Function');
      case 'TSArrayType':
      case 'TSTupleType':
        return t.identifier('Array');
      case 'TSTypePredicate':
        return type.asserts ? voidZero() : t.identifier('Boolean');
      case 'TSBooleanKeyword':
        return t.identifier('Boolean');
      case 'TSTemplateLiteralType':
      case 'TSStringKeyword':
        return t.identifier('String');
      case 'TSNumberKeyword':
        return t.identifier('Number');
      case 'TSBigIntKeyword':
        return this.global('BigInt', 2020);
      case 'TSSymbolKeyword':
        return this.global('Symbol', 2015);
      case 'TSLiteralType':
        return this.literal(type.literal);
      case 'TSTypeReference':
        return this.reference(type);
      case 'TSIntersectionType':
        return this.constituents(type.types, true);
      case 'TSUnionType':
        return this.constituents(type.types, false);
      case 'TSConditionalType':
        return this.constituents([type.trueType, type.falseType], false);
      case 'TSTypeOperator':
        return type.operator === 'readonly' ? this.serialize(type.typeAnnotation) : t.identifier('Object');
      default:
        return t.identifier('Object');
    }
  }

  private global(name: string, since: number): t.Expression {
    return this.settings.target >= since ? t.identifier(name) : t.identifier('Object');
  }

  private literal(literal: t.TSLiteralType['literal']): t.Expression {
    if (t.isStringLiteral(literal) || t.isTemplateLiteral(literal)) return t.identifier('String');
    if (t.isNumericLiteral(literal)) return t.identifier('Number');
    if (t.isBigIntLiteral(literal)) return this.global('BigInt', 2020);
    if (t.isBooleanLiteral(literal)) return t.identifier('Boolean');
    if (t.isUnaryExpression(literal)) return t.isBigIntLiteral(literal.argument) ? this.global('BigInt', 2020) : t.identifier('Number');
    return voidZero();
  }

  private constituents(types: t.TSType[], intersection: boolean): t.Expression {
    let serialized: t.Expression | undefined;
    for (let type of types) {
      while (type.type === ('TSParenthesizedType' as string)) type = (type as unknown as { typeAnnotation: t.TSType }).typeAnnotation;
      if (t.isTSNeverKeyword(type)) {
        if (intersection) return voidZero();
        continue;
      }
      if (t.isTSUnknownKeyword(type)) {
        if (!intersection) return t.identifier('Object');
        continue;
      }
      if (t.isTSAnyKeyword(type)) return t.identifier('Object');
      const nullish = t.isTSUndefinedKeyword(type) || t.isTSNullKeyword(type) || (t.isTSLiteralType(type) && (type.literal as t.Node).type === 'NullLiteral');
      if (!this.settings.strictNullChecks && nullish) continue;
      const constituent = t.isTSNullKeyword(type) ? voidZero() : this.serialize(type);
      if (t.isIdentifier(constituent, { name: 'Object' })) return constituent;
      if (!serialized) serialized = constituent;
      else if (!t.isNodesEquivalent(serialized, constituent)) return t.identifier('Object');
    }
    return serialized ?? voidZero();
  }

  private reference(type: t.TSTypeReference): t.Expression {
    const name = type.typeName;
    if (t.isIdentifier(name)) {
      const binding = this.scope.scope.getBinding(name.name);
      const declaration = binding?.path.node ?? typeDeclarations(this.scope).get(name.name);
      if (declaration && !this.resolving.has(declaration)) {
        if (declaration === this.scope.node) return t.cloneNode(this.self);
        if (t.isClassDeclaration(declaration)) return t.identifier(name.name);
        if (t.isTSInterfaceDeclaration(declaration)) return t.identifier('Object');
        if (t.isTSTypeAliasDeclaration(declaration)) {
          this.resolving.add(declaration);
          try {
            return this.serialize(declaration.typeAnnotation);
          } finally {
            this.resolving.delete(declaration);
          }
        }
        if (t.isTSEnumDeclaration(declaration)) return enumType(declaration);
      }
      if (!declaration) {
        if (name.name === 'Array' || name.name === 'ReadonlyArray') return t.identifier('Array');
        if (name.name === 'Promise') return t.identifier('Promise');
        if (name.name === 'Function' || name.name === 'Object' || name.name === 'String' || name.name === 'Number' || name.name === 'Boolean') return t.identifier(name.name);
      }
    }
    return runtimeLookup(name);
  }
}

/** Type-only declarations of the file (Babel's scope has no bindings for them), by name. */
const declarationsByProgram = new WeakMap<t.Node, Map<string, t.Node>>();
function typeDeclarations(path: NodePath): Map<string, t.Node> {
  const program = path.findParent((parent) => parent.isProgram())!.node;
  let declarations = declarationsByProgram.get(program);
  if (!declarations) {
    declarations = new Map();
    for (const statement of (program as t.Program).body) {
      const declaration = t.isExportNamedDeclaration(statement) || t.isExportDefaultDeclaration(statement) ? statement.declaration : statement;
      if ((t.isTSTypeAliasDeclaration(declaration) || t.isTSInterfaceDeclaration(declaration) || t.isTSEnumDeclaration(declaration)) && !declarations.has(declaration.id.name)) {
        declarations.set(declaration.id.name, declaration);
      }
    }
    declarationsByProgram.set(program, declarations);
  }
  return declarations;
}

/**
 * `typeof X === "function" ? X : Object`, for a name that may exist only as a type (an imported
 * interface): what tsc emits when it cannot tell, with the value read once.
 */
function runtimeLookup(name: t.TSEntityName): t.Expression {
  const rootIsUndefined = t.binaryExpression('===', t.unaryExpression('typeof', t.identifier(rootIdentifier(name))), t.stringLiteral('undefined'));
  const value = t.conditionalExpression(rootIsUndefined, voidZero(), entityExpression(name));
  const type = t.identifier('type');
  const isFunction = t.binaryExpression('===', t.unaryExpression('typeof', type), t.stringLiteral('function'));
  return t.callExpression(t.arrowFunctionExpression([t.cloneNode(type)], t.conditionalExpression(isFunction, t.cloneNode(type), t.identifier('Object'))), [value]);
}

function entityExpression(name: t.TSEntityName): t.Expression {
  if (t.isIdentifier(name)) return t.identifier(name.name);
  if (t.isTSQualifiedName(name)) return t.memberExpression(entityExpression(name.left), t.identifier(name.right.name));
  return t.identifier('Object');
}

function rootIdentifier(name: t.TSEntityName): string {
  return t.isIdentifier(name) ? name.name : t.isTSQualifiedName(name) ? rootIdentifier(name.left) : 'Object';
}

function enumType(declaration: t.TSEnumDeclaration): t.Expression {
  const members = (declaration as unknown as { members?: t.TSEnumMember[]; body?: { members: t.TSEnumMember[] } }).members ?? (declaration as unknown as { body: { members: t.TSEnumMember[] } }).body.members;
  const kinds = new Set(members.map((m) => (m.initializer == null || t.isNumericLiteral(m.initializer) || t.isUnaryExpression(m.initializer) ? 'number' : t.isStringLiteral(m.initializer) ? 'string' : 'other')));
  if (kinds.size === 1 && kinds.has('string')) return t.identifier('String');
  if (kinds.size === 1 && kinds.has('number')) return t.identifier('Number');
  return t.identifier('Object');
}
