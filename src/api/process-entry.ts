// The processes memprof's commands start (leaks/run-file.ts, scenarios/run-scenarios.ts) read their
// request from their one argument (JSON) and leave with the exit code their work resolves; anything
// unexpected is an internal error (exit 70), with its stack for the report.

export function runEntry<Request>(main: (request: Request) => Promise<number>): void {
  let request: Request;
  try {
    request = JSON.parse(process.argv[2]) as Request;
  } catch {
    process.stderr.write('memprof: internal error: this process is started by memprof, with its request as JSON\n');
    process.exitCode = 70;
    return;
  }
  main(request).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`memprof: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
