// Known problems with the input end the process with one line and exit code 2; anything else is a bug
// and keeps its stack trace.
const USER_ERRORS = new Set(['DataError', 'IngestError', 'HarmonizeError', 'InputError', 'LockError', 'ZodError']);

export function exitOnKnownError(e: unknown): never {
  if (e instanceof Error && USER_ERRORS.has(e.name)) {
    process.stderr.write(`error: ${e.message.split('\n')[0]}\n`);
    process.exit(2);
  }
  throw e;
}
