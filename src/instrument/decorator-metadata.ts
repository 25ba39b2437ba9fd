// TypeScript's `emitDecoratorMetadata` (with `experimentalDecorators`), as tsc emits it: decorated
// classes, methods, accessors and properties get `design:type`, `design:paramtypes` and
// `design:returntype` through `Reflect.metadata` when it exists (reflect-metadata), and parameter
// decorators (`constructor(@Inject(T) x)`) become member or class decorators, as tsc's `__param`.
// Which value a type stands for is design-types.ts's business.
import type { NodePath, PluginObj } from '@babel/core';
import * as t from '@babel/types';
import { TypeSerializer, voidZero, type MetadataSettings } from './design-types';

export type { MetadataSettings };

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
