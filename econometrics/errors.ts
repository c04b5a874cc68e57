// Errors of the engine.

/** A user-facing problem with the input (bad file, unknown column, ...): CLIs print it on one line and exit 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
