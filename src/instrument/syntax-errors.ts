// Babel's syntax errors speak to someone who configures Babel ("enable the parser plugin X", "add
// @babel/plugin-Y to your config"). A memprof user has no Babel config to change: say what the file
// holds that cannot run, in terms they can act on.

interface BabelParseError {
  reasonCode?: string;
  missingPlugin?: string[];
}

/** Names of proposals Babel reports by parser plugin, as a user would look them up. */
const PROPOSALS: Record<string, string> = {
  doExpressions: '`do { }` expressions',
  pipelineOperator: 'the pipeline operator (`|>`)',
  decorators: 'decorators',
  'decorators-legacy': 'decorators',
  recordAndTuple: 'records and tuples (`#{ }`, `#[ ]`)',
  throwExpressions: '`throw` expressions',
  partialApplication: 'partial application (`f(?, x)`)',
  v8intrinsic: 'V8 intrinsics (`%Name()`)',
  functionBind: 'the bind operator (`::`)',
  exportDefaultFrom: '`export x from`',
  asyncDoExpressions: '`async do { }` expressions',
  flow: 'Flow type annotations',
  jsx: 'JSX',
};

export function userSyntaxReason(error: BabelParseError, babelReason: string, filename: string): string {
  if (error.reasonCode !== 'MissingPlugin' && error.reasonCode !== 'MissingOneOfPlugins') return babelReason;
  const plugin = error.missingPlugin?.[0] ?? '';
  const what = PROPOSALS[plugin] ?? `experimental syntax ("${plugin}")`;
  const typescript = /\.[cm]?tsx?$/.test(filename);
  return typescript
    ? `${what}: a proposal that tsc and Node.js do not support, and memprof compiles TypeScript as tsc does; rewrite this code without it`
    : `${what}: a proposal that Node.js does not run, and memprof compiles no JavaScript syntax; rewrite this code without it`;
}
