// TypeScript's `emitDecoratorMetadata` (with `experimentalDecorators`), as tsc emits it: decorated
// classes, methods, accessors and properties get `design:type`, `design:paramtypes` and
// `design:returntype` through `Reflect.metadata` when it exists (reflect-metadata), and parameter
// decorators (`constructor(@Inject(T) x)`) become member or class decorators, as tsc's `__param`.
// Types are serialised by tsc's rules (typeSerializer.ts) without a type checker, as tsc itself does
// in isolated-module mode: a name this file declares is resolved here; one it imports is looked up
// at run time (`typeof X === "function" ? X : Object`, what tsc emits when it cannot tell).
import type { NodePath, PluginObj } from '@babel/core';
import * as t from '@babel/types';

export interface MetadataSettings {
  /** tsconfig `strictNullChecks` (or `strict`): `T | null` is then no longer `T`. */
  strictNullChecks: boolean;
  /** tsconfig `target` as a year (5 for ES5): BigInt needs 2020, Symbol 2015, else `Object`. */
  target: number;
}

type Member = t.ClassMethod | t.ClassPrivateMethod | t.ClassProperty | t.ClassPrivateProperty | t.ClassAccessorProperty;

export function decoratorMetadataPlugin(settings: MetadataSettings): () => PluginObj {
  return () => ({
    name: 'memprof-decorator-metadata',
    visitor: {
      // In its own traversal on entry, before the TypeScript preset strips the types it reads.
      Program(program) {
        let helper: t.Identifier | undefined;
        const self = program.scope.generateUidIdentifier('memprofClass');
        const metadata = (key: string, value: t.Expression): t.Decorator => {
          helper ??= addMetadataHelper(program);
          return t.decorator(t.callExpression(t.cloneNode(helper), [t.stringLiteral(key), t.arrowFunctionExpression([t.cloneNode(self)], value)]));
        };
        program.traverse({
          Class(path) {
            new ClassMetadata(path, settings, metadata, self).emit();
          },
        });
        program.scope.crawl();
      },
    },
  });
}

/**
 * tsc's `__metadata`, applied when the decorators are: `value` is read then, from the decorated
 * class (so a class can name itself, which Babel's decorators, evaluated before the class exists,
 * could not), and nothing is recorded when reflect-metadata is not loaded:
 *   function _memprofMetadata(key, value) {
 *     return function (target, property, descriptor) {
 *       if (typeof Reflect === "object" && typeof Reflect.metadata === "function")
 *         return Reflect.metadata(key, value(typeof target === "function" ? target : target.constructor))(target, property, descriptor);
 *     };
 *   }
 */
function addMetadataHelper(program: NodePath<t.Program>): t.Identifier {
  const id = program.scope.generateUidIdentifier('memprofMetadata');
  const [key, value, target, property, descriptor] = ['key', 'value', 'target', 'property', 'descriptor'].map((name) => t.identifier(name));
  const reflect = (member?: string) => (member ? t.memberExpression(t.identifier('Reflect'), t.identifier(member)) : t.identifier('Reflect'));
  const typeIs = (expression: t.Expression, type: string) => t.binaryExpression('===', t.unaryExpression('typeof', expression), t.stringLiteral(type));
  const decoratedClass = t.conditionalExpression(typeIs(t.cloneNode(target), 'function'), t.cloneNode(target), t.memberExpression(t.cloneNode(target), t.identifier('constructor')));
  const record = t.callExpression(
    t.callExpression(reflect('metadata'), [t.cloneNode(key), t.callExpression(t.cloneNode(value), [decoratedClass])]),
    [t.cloneNode(target), t.cloneNode(property), t.cloneNode(descriptor)],
  );
  const declaration = t.functionDeclaration(
    id,
    [key, value],
    t.blockStatement([
      t.returnStatement(
        t.functionExpression(null, [target, property, descriptor], t.blockStatement([
          t.ifStatement(t.logicalExpression('&&', typeIs(reflect(), 'object'), typeIs(reflect('metadata'), 'function')), t.returnStatement(record)),
        ])),
      ),
    ]),
  );
  program.pushContainer('body', declaration);
  return id;
}

class ClassMetadata {
  private readonly serializer: TypeSerializer;

  constructor(
    private readonly path: NodePath<t.Class>,
    settings: MetadataSettings,
    private readonly metadata: (key: string, value: t.Expression) => t.Decorator,
    self: t.Identifier,
  ) {
    this.serializer = new TypeSerializer(path, settings, self);
  }

  emit(): void {
    const members = this.path.node.body.body;
    for (const member of members) {
      if (t.isClassMethod(member) || t.isClassPrivateMethod(member) || t.isClassProperty(member) || t.isClassPrivateProperty(member) || t.isClassAccessorProperty(member)) {
        this.member(member);
      }
    }
    this.classItself();
  }

  private classItself(): void {
    const node = this.path.node;
    const constructor = node.body.body.find((m): m is t.ClassMethod => t.isClassMethod(m) && m.kind === 'constructor');
    const parameterDecorators = constructor ? this.parameterDecorators(constructor) : [];
    if (!node.decorators?.length && parameterDecorators.length === 0) return;
    node.decorators = [...(node.decorators ?? []), ...parameterDecorators];
    if (constructor) node.decorators.push(this.metadata('design:paramtypes', this.parameterTypes(constructor.params)));
  }

  private member(member: Member): void {
    const isFunction = t.isClassMethod(member) || t.isClassPrivateMethod(member);
    if (isFunction && member.kind === 'constructor') return;
    const parameterDecorators = isFunction ? this.parameterDecorators(member) : [];
    if (!member.decorators?.length && parameterDecorators.length === 0) return;
    const added: t.Decorator[] = [...parameterDecorators];
    if (!isFunction) {
      added.push(this.metadata('design:type', this.serializer.serialize(annotation(member.typeAnnotation))));
    } else if (member.kind === 'get' || member.kind === 'set') {
      const { type, params } = this.accessorPair(member);
      added.push(this.metadata('design:type', this.serializer.serialize(type)));
      added.push(this.metadata('design:paramtypes', this.parameterTypes(params)));
    } else {
      added.push(this.metadata('design:type', t.identifier('Function')));
      added.push(this.metadata('design:paramtypes', this.parameterTypes(member.params)));
      const returnType = annotation(member.returnType);
      added.push(
        this.metadata('design:returntype', returnType ? this.serializer.serialize(returnType) : member.async ? t.identifier('Promise') : voidZero()),
      );
    }
    member.decorators = [...(member.decorators ?? []), ...added];
  }

  /** An accessor's type is its setter's parameter type, else its getter's return type; its parameters the setter's. */
  private accessorPair(member: t.ClassMethod | t.ClassPrivateMethod): { type: t.TSType | undefined; params: t.ClassMethod['params'] } {
    const sameKey = (other: t.Node): other is t.ClassMethod | t.ClassPrivateMethod =>
      (t.isClassMethod(other) || t.isClassPrivateMethod(other)) && other.static === member.static && keyName(other) !== undefined && keyName(other) === keyName(member);
    const pair = this.path.node.body.body.filter(sameKey);
    const setter = pair.find((m) => m.kind === 'set');
    const getter = pair.find((m) => m.kind === 'get');
    const setterType = setter ? annotation(parameterAnnotation(setter.params[0])) : undefined;
    return { type: setterType ?? annotation(getter?.returnType), params: setter ? setter.params : member.params };
  }

  private parameterTypes(params: t.ClassMethod['params']): t.ArrayExpression {
    const types: t.Expression[] = [];
    params.forEach((param, index) => {
      const inner = t.isTSParameterProperty(param) ? param.parameter : param;
      if (index === 0 && t.isIdentifier(inner) && inner.name === 'this') return;
      if (t.isRestElement(inner)) {
        types.push(this.serializer.serialize(restElementType(annotation(inner.typeAnnotation))));
        return;
      }
      types.push(this.serializer.serialize(annotation(parameterAnnotation(param))));
    });
    return t.arrayExpression(types);
  }

  /** `@dec` on parameter `index` -> a decorator `(target, key) => dec(target, key, index)` (tsc's `__param`). */
  private parameterDecorators(fn: t.ClassMethod | t.ClassPrivateMethod): t.Decorator[] {
    const decorators: t.Decorator[] = [];
    fn.params.forEach((param, index) => {
      const holder = param as { decorators?: t.Decorator[] | null };
      for (const decorator of holder.decorators ?? []) {
        const target = t.identifier('target');
        const key = t.identifier('key');
        decorators.push(
          t.decorator(
            t.callExpression(
              t.arrowFunctionExpression(
                [t.identifier('decorator')],
                t.functionExpression(null, [target, key], t.blockStatement([
                  t.expressionStatement(t.callExpression(t.identifier('decorator'), [t.cloneNode(target), t.cloneNode(key), t.numericLiteral(index)])),
                ])),
              ),
              [decorator.expression],
            ),
          ),
        );
      }
      holder.decorators = null;
    });
    return decorators;
  }
}

function annotation(node: t.Node | null | undefined): t.TSType | undefined {
  return t.isTSTypeAnnotation(node) ? node.typeAnnotation : undefined;
}

function parameterAnnotation(param: t.Node | undefined): t.Node | null | undefined {
  const inner = t.isTSParameterProperty(param) ? param.parameter : param;
  if (t.isAssignmentPattern(inner)) return (inner.left as { typeAnnotation?: t.Node | null }).typeAnnotation;
  return (inner as { typeAnnotation?: t.Node | null } | undefined)?.typeAnnotation;
}

/** `...rest: T[]` and `...rest: Array<T>` serialise as T; other rest types as Object. */
function restElementType(type: t.TSType | undefined): t.TSType | undefined {
  if (t.isTSArrayType(type)) return type.elementType;
  if (t.isTSTypeReference(type) && t.isIdentifier(type.typeName, { name: 'Array' }) && type.typeParameters?.params.length === 1) {
    return type.typeParameters.params[0];
  }
  return undefined;
}

function keyName(member: t.ClassMethod | t.ClassPrivateMethod): string | undefined {
  if (t.isPrivateName(member.key)) return `#${member.key.id.name}`;
  if (member.computed) return undefined;
  return t.isIdentifier(member.key) ? member.key.name : t.isStringLiteral(member.key) || t.isNumericLiteral(member.key) ? String(member.key.value) : undefined;
}

function voidZero(): t.Expression {
  return t.unaryExpression('void', t.numericLiteral(0));
}

/** tsc's serializeTypeNode, with this file's declarations standing in for the type checker. */
class TypeSerializer {
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
