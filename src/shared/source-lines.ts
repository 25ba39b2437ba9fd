// Original source text for the "Line Contents" column, shared by the load hook (which hands over the
// source it compiled) and the reporters (which read it); otherwise (code instrumented by another tool)
// the file is read from disk when first needed.
import { primordials } from './primordials';

const { fsReadFileSync, RegExpPrototypeSymbolReplace, RegExpPrototypeSymbolSplit, SafeMap } = primordials;
const LINE_BREAK = /\r?\n/;
const TAB = /\t/g;

const sources = new SafeMap<string, string[]>();

export function rememberSource(file: string, source: string): void {
  sources.set(file, RegExpPrototypeSymbolSplit(LINE_BREAK, source));
}

export function sourceLine(file: string, line: number): string {
  let lines = sources.get(file);
  if (!lines) {
    try {
      lines = RegExpPrototypeSymbolSplit(LINE_BREAK, fsReadFileSync(file, 'utf8'));
    } catch {
      lines = [];
    }
    sources.set(file, lines);
  }
  return RegExpPrototypeSymbolReplace(TAB, lines[line - 1] ?? '', '    ');
}
