/**
 * A problem in the data a person must fix: printed as one line naming where it is and what was expected,
 * and the run stops before anything in the warehouse changes.
 */
export class DataError extends Error {
  constructor(
    readonly where: { file?: string; sheet?: string; cell?: string; city?: string; year?: number; variable?: string },
    readonly expected: string,
  ) {
    const parts = [
      where.file && `file ${where.file}`,
      where.sheet && `sheet ${where.sheet}`,
      where.cell && `cell ${where.cell}`,
      where.city && `city ${where.city}`,
      where.year !== undefined && `year ${where.year}`,
      where.variable && `variable ${where.variable}`,
    ].filter(Boolean);
    super(parts.length ? `${parts.join(', ')}: ${expected}` : expected);
    this.name = 'DataError';
  }
}
