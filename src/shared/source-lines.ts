// Original source text for the "Line Contents" column, shared by the load hook (which hands over the
// source it compiled) and the reporters (which read it); otherwise (code instrumented by another tool)
// the file is read from disk when first needed.
import { primordials } from './primordials';

const { fsReadFileSync, RegExpPrototypeSymbolReplace, RegExpPrototypeSymbolSplit, SafeMap } = primordials;
const LINE_BREAK = /\r?\n/;
const TAB = /\t/g;

/** Each file's text as the hook handed it over, split into lines only when a table first reads it. */
const texts = new SafeMap<string, string>();
const sources = new SafeMap<string, string[]>();

export function rememberSource(file: string, source: string): void {
  texts.set(file, source);
  sources.delete(file);
}

export function sourceLine(file: string, line: number): string {
  let lines = sources.get(file);
  if (!lines) {
    const text = texts.get(file);
    if (text !== undefined) {
      lines = RegExpPrototypeSymbolSplit(LINE_BREAK, text);
    } else {
      try {
        lines = RegExpPrototypeSymbolSplit(LINE_BREAK, fsReadFileSync(file, 'utf8'));
      } catch {
        lines = [];
      }
    }
    sources.set(file, lines);
  }
  return RegExpPrototypeSymbolReplace(TAB, lines[line - 1] ?? '', '    ');
}
