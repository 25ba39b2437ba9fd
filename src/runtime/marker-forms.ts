// `profile` is called in four shapes; this module tells them apart so that the global, the imported
// function and the instrumenter's stand-ins all accept exactly the same forms:
//   profile(fn[, options])                       wrap a function
//   @profile on a method, legacy decorators      (target, key, descriptor)
//   @profile on a method, standard decorators    (method, context)
//   @profile(options)                            returns one of the two decorators above

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => any;
export type MarkerHandler = (...args: unknown[]) => unknown;

import { joinStrings, own, primordials } from '../shared/primordials';

const { ArrayPrototypeIndexOf, ObjectHasOwn } = primordials;
const ACCESSOR_KINDS = ['method', 'getter', 'setter'];

/** Does the work once the form is known: `name` is a readable label for a decorated method. */
export type ProfileFunction = (fn: AnyFunction, options: unknown, name?: string) => AnyFunction;

export function applyMarker(args: unknown[], profileFunction: ProfileFunction, options?: unknown): unknown {
  // By index: array destructuring would go through the (replaceable) array iterator.
  const first = args[0];
  const second = args[1];
  const third = args[2];

  if (args.length === 3 && isPropertyKey(second) && isDescriptor(third)) {
    const owner = typeof first === 'function' ? first.name : (first as object | null)?.constructor?.name;
    const name = `${owner ? `${owner}.` : ''}${describeKey(second)}`;
    // Own properties only: a descriptor without `get` must not find one on Object.prototype.
    const value = own(third, 'value');
    const getter = own(third, 'get');
    const setter = own(third, 'set');
    if (typeof value === 'function') {
      third.value = profileFunction(value as AnyFunction, options, name);
      return third;
    }
    // A legacy accessor decorator receives the getter and the setter together and cannot tell which
    // one it was written on: both are profiled.
    if (typeof getter === 'function') third.get = profileFunction(getter as AnyFunction, options, `get ${name}`);
    if (typeof setter === 'function') third.set = profileFunction(setter as AnyFunction, options, `set ${name}`);
    if (!getter && !setter) throw new TypeError(`memprof: @profile can only decorate methods, getters and setters, not ${name}`);
    return third;
  }

  if (args.length === 2 && isDecoratorContext(second) && (typeof first === 'function' || first === undefined || typeof first === 'object')) {
    if (typeof first !== 'function' || ArrayPrototypeIndexOf(ACCESSOR_KINDS, second.kind) < 0) {
      throw new TypeError(
        `memprof: @profile can only decorate methods, getters and setters, not the ${second.kind} ${describeKey(second.name)}` +
          (second.kind === 'field' ? '; for an arrow function in a field, put /** @profile */ before it' : ''),
      );
    }
    return profileFunction(first as AnyFunction, options, describeKey(second.name));
  }

  if (options === undefined) {
    if (typeof first === 'function') {
      if (args.length > 2) throw new TypeError('memprof: profile(fn, options) takes at most two arguments');
      return profileFunction(first as AnyFunction, second);
    }
    if (args.length === 1 && first !== null && typeof first === 'object') {
      // Decorator factory: validate the options now, when the class is defined, not at first call.
      profileFunction(noop, first);
      return (...decoratorArgs: unknown[]) => applyMarker(decoratorArgs, profileFunction, first);
    }
  }

  throw new TypeError(
    `memprof: profile() expects a function, a method to decorate or an options object, got ${describeArgs(args)}`,
  );
}

function noop(): void {}

function isPropertyKey(value: unknown): value is string | symbol {
  return typeof value === 'string' || typeof value === 'symbol';
}

function isDescriptor(value: unknown): value is PropertyDescriptor {
  return (
    value !== null &&
    typeof value === 'object' &&
    (ObjectHasOwn(value, 'value') || ObjectHasOwn(value, 'get') || ObjectHasOwn(value, 'set')) &&
    ObjectHasOwn(value, 'configurable')
  );
}

interface DecoratorContext {
  kind: string;
  name: string | symbol;
}

function isDecoratorContext(value: unknown): value is DecoratorContext {
  return value !== null && typeof value === 'object' && typeof own(value, 'kind') === 'string' && ObjectHasOwn(value, 'name');
}

function describeArgs(args: unknown[]): string {
  if (args.length === 0) return 'no arguments';
  const kinds: string[] = [];
  for (let index = 0; index < args.length; index++) kinds[index] = args[index] === null ? 'null' : typeof args[index];
  return joinStrings(kinds, ', ');
}

function describeKey(key: string | symbol): string {
  return typeof key === 'symbol' ? `Symbol(${key.description ?? ''})` : key;
}
