// Does a file's text mark anything for profiling? A lexical scan, no parse: the load hooks ask it of
// every file that says "profile" somewhere, and a large library that only says it in a string or a
// comment (a copied typescript.js) must not pay for a full Babel compile.
//
// It answers yes for the word `profile` used as a marker is used, in code (`@profile`, `profile(`,
// `memprof_1.profile`, `profile.timestamp`: see isMarkerUse) and for an `@profile` tag in a comment
// (`/** @profile */`, `// @profile`); strings, template text, regular expressions and other comments
// do not count. Where JavaScript's grammar would need a parse (is this `/` a division or a regular
// expression?), it guesses from the previous token, and a wrong guess is contained: strings and
// regular expressions end at the end of their line.

const RENAMED = /^as\s/;
const TIMESTAMP = /^\.\s*timestamp\b/;
const PROFILE_TAG = /(?:^|[\s*])@profile(?![\w$-])/;
/** After these words a `/` starts a regular expression, as after an operator. */
const KEYWORDS_BEFORE_EXPRESSION = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

const SLASH = 47;
const STAR = 42;
const BACKSLASH = 92;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const BACKTICK = 96;
const DOLLAR = 36;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const CLOSE_PAREN = 41;
const SINGLE_QUOTE = 39;
const DOUBLE_QUOTE = 34;
const HASH = 35;
const BANG = 33;
const AT = 64;
const DOT = 46;
const COMMA = 44;
const COLON = 58;
const OPEN_PAREN = 40;

function isIdentifierCode(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === DOLLAR || code > 127
  );
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === NEWLINE || code === CARRIAGE_RETURN || code === 11 || code === 12 || code === 0xa0 || code === 0xfeff;
}

/** True when `source` has a profiling marker in code or an `@profile` comment. */
export function hasMarkerSyntax(source: string): boolean {
  const length = source.length;
  let index = 0;
  // A `/` here starts a regular expression (true after an operator or at a statement's start).
  let expressionExpected = true;
  // For each open `${` of a template literal, the brace depth at which it closes.
  const templateDepths: number[] = [];
  let braceDepth = 0;
  // The first character of the previous token outside comments (0 at the start).
  let previousCode = 0;
  if (source.charCodeAt(0) === HASH && source.charCodeAt(1) === BANG) index = lineEnd(source, 0);

  while (index < length) {
    const code = source.charCodeAt(index);
    if (isSpace(code)) {
      index++;
      continue;
    }
    if (code === SLASH) {
      const next = source.charCodeAt(index + 1);
      if (next === SLASH || next === STAR) {
        const end = next === SLASH ? lineEnd(source, index) : blockCommentEnd(source, index);
        if (PROFILE_TAG.test(source.slice(index + 2, end))) return true;
        index = end;
        continue;
      }
      if (expressionExpected) {
        index = regularExpressionEnd(source, index);
        expressionExpected = false;
      } else {
        index++;
        expressionExpected = true;
      }
      previousCode = code;
      continue;
    }
    if (code === SINGLE_QUOTE || code === DOUBLE_QUOTE) {
      index = stringEnd(source, index, code);
      expressionExpected = false;
      previousCode = code;
      continue;
    }
    if (code === BACKTICK) {
      previousCode = code;
      index = templateTextEnd(source, index + 1);
      if (source.charCodeAt(index - 1) === OPEN_BRACE) {
        templateDepths.push(braceDepth);
        braceDepth++;
        expressionExpected = true;
      } else {
        expressionExpected = false;
      }
      continue;
    }
    if (isIdentifierCode(code)) {
      let end = index + 1;
      while (end < length && isIdentifierCode(source.charCodeAt(end))) end++;
      const word = source.slice(index, end);
      if (word === 'profile' && isMarkerUse(previousCode, source, end)) return true;
      expressionExpected = KEYWORDS_BEFORE_EXPRESSION.has(word);
      previousCode = code;
      index = end;
      continue;
    }
    if (code === OPEN_BRACE) {
      braceDepth++;
      expressionExpected = true;
    } else if (code === CLOSE_BRACE) {
      braceDepth--;
      if (templateDepths.length > 0 && templateDepths[templateDepths.length - 1] === braceDepth) {
        // The end of a `${...}`: the template literal's text goes on.
        templateDepths.pop();
        index = templateTextEnd(source, index + 1);
        if (source.charCodeAt(index - 1) === OPEN_BRACE) {
          templateDepths.push(braceDepth);
          braceDepth++;
          expressionExpected = true;
        } else {
          expressionExpected = false;
        }
        continue;
      }
      // The end of a block (a statement may follow) more often than of an object literal.
      expressionExpected = true;
    } else {
      expressionExpected = !(code === CLOSE_PAREN || code === CLOSE_BRACKET);
    }
    previousCode = code;
    index++;
  }
  return false;
}

/**
 * Is this `profile` used the way a marker is? Decorated (`@profile`), called (`profile(`), a member
 * (`memprof.profile`, `profile.timestamp`; not `profile.nodes`), an element of a decorator list
 * (`[profile]`, as tsc and esbuild compile decorators), or renamed where it is imported. A
 * variable or parameter of the program's that is called `profile` is not a marker.
 */
function isMarkerUse(previousCode: number, source: string, end: number): boolean {
  if (previousCode === AT || previousCode === DOT || previousCode === OPEN_BRACKET || previousCode === COMMA) return true;
  let next = end;
  while (next < source.length && isSpace(source.charCodeAt(next))) next++;
  const code = source.charCodeAt(next);
  if (code === DOT) return TIMESTAMP.test(source.slice(next, next + 40));
  // Renamed where it is imported or required: `{ profile as measure }`, `{ profile: p }`.
  if (code === COLON || RENAMED.test(source.slice(next, next + 4))) return true;
  return code === OPEN_PAREN || code === CLOSE_BRACKET || code === COMMA;
}

function lineEnd(source: string, from: number): number {
  const end = source.indexOf('\n', from);
  return end === -1 ? source.length : end;
}

function blockCommentEnd(source: string, from: number): number {
  const end = source.indexOf('*/', from + 2);
  return end === -1 ? source.length : end + 2;
}

/** After the closing quote; an unterminated string ends at its line's end. */
function stringEnd(source: string, from: number, quote: number): number {
  for (let index = from + 1; index < source.length; index++) {
    const code = source.charCodeAt(index);
    if (code === BACKSLASH) index++;
    else if (code === quote) return index + 1;
    else if (code === NEWLINE) return index;
  }
  return source.length;
}

/** After a regular expression's closing slash (and flags); an unterminated one ends at its line's end. */
function regularExpressionEnd(source: string, from: number): number {
  let inClass = false;
  for (let index = from + 1; index < source.length; index++) {
    const code = source.charCodeAt(index);
    if (code === BACKSLASH) index++;
    else if (code === NEWLINE) return index;
    else if (code === OPEN_BRACKET) inClass = true;
    else if (code === CLOSE_BRACKET) inClass = false;
    else if (code === SLASH && !inClass) {
      let end = index + 1;
      while (end < source.length && isIdentifierCode(source.charCodeAt(end))) end++;
      return end;
    }
  }
  return source.length;
}

/** After a template literal's closing backtick, or after the `${` that opens a substitution. */
function templateTextEnd(source: string, from: number): number {
  for (let index = from; index < source.length; index++) {
    const code = source.charCodeAt(index);
    if (code === BACKSLASH) index++;
    else if (code === BACKTICK) return index + 1;
    else if (code === DOLLAR && source.charCodeAt(index + 1) === OPEN_BRACE) return index + 2;
  }
  return source.length;
}
