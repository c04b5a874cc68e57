// Known problems with the input end the process with one line and exit code 2; anything else is a bug
// and keeps its stack trace.
/** Errors that mean the input is wrong (not the program). */
export const BAD_INPUT_ERRORS: ReadonlySet<string> = new Set(['DataError', 'IngestError', 'HarmonizeError', 'InputError', 'ZodError']);
const USER_ERRORS = new Set([...BAD_INPUT_ERRORS, 'LockError']);

/** A reader that stops early (`| head`) closes the pipe: that ends the output quietly (exit 0), it is not an error. */
export function endQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    process.stderr.write(`error: cannot write the output: ${e.message}\n`);
    process.exit(1);
  });
}

export function exitOnKnownError(e: unknown): never {
  if (e instanceof Error && USER_ERRORS.has(e.name)) {
    process.stderr.write(`error: ${e.name === 'ZodError' ? zodLine(e) : e.message.split('\n')[0]}\n`);
    process.exit(2);
  }
  throw e;
}

/** A settings schema's complaint on one line: `setting maxInterpolatedGap: expected number, received NaN`
 *  (a zod error's message is its issues as multi-line JSON). */
function zodLine(e: Error): string {
  const issues = (e as Error & { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues ?? [];
  if (issues.length === 0) return e.message.split('\n')[0];
  return issues.map((i) => `${i.path.length ? `setting ${i.path.map(String).join('.')}: ` : ''}${i.message}`).join('; ');
}
