import { quoteText, shortText } from '../core/errors.ts';

/**
 * Bad input stops the ingest stage with ONE line naming the file, the sheet and the cell, and what was expected:
 *   "ingest: file yearbook/中国城市统计年鉴2015.xlsx, sheet 2-7 综合经济, cell D17: expected a number or a missing marker, got 'n/a'"
 */
export class IngestError extends Error {
  readonly file: string;
  readonly sheet: string;
  readonly cell: string;
  readonly expected: string;

  constructor(where: { file: string; sheet?: string; cell?: string }, expected: string) {
    const parts = [`file ${where.file}`];
    if (where.sheet) parts.push(`sheet ${shortText(where.sheet)}`);
    if (where.cell) parts.push(`cell ${where.cell}`);
    super(`ingest: ${parts.join(', ')}: ${oneLine(expected)}`);
    this.name = 'IngestError';
    this.file = where.file;
    this.sheet = where.sheet ?? '';
    this.cell = where.cell ?? '';
    this.expected = oneLine(expected);
  }
}

/** Keep error messages on one line and short, whatever the cell contained (only the start of a huge text is
 *  looked at). */
export function oneLine(s: string, max = 300): string {
  const t = s.slice(0, max + 1).replace(/[\r\n\t]+/g, ' ');
  return t.length > max || s.length > max + 1 ? `${t.slice(0, max)}…` : t;
}

/** Quote a cell's text for an error message: its first 80 characters, and its size when it is longer. */
export function shown(text: string): string {
  return quoteText(text);
}
