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
    super(capMessage(parts.length ? `${parts.join(', ')}: ${expected}` : expected));
    this.name = 'DataError';
  }
}

/** Longest error message: whatever a cell held, a refusal stays one readable line. */
export const MAX_MESSAGE_LENGTH = 1000;
/** Characters of a cell's text shown in a message. */
export const SHOWN_TEXT_LENGTH = 80;

/** One line of at most MAX_MESSAGE_LENGTH characters (only the start of a huge text is looked at). */
export function capMessage(message: string, max = MAX_MESSAGE_LENGTH): string {
  const head = message.slice(0, max + 1).replace(/[\r\n\t]+/g, ' ');
  return head.length > max || message.length > max + 1 ? `${head.slice(0, max - 1)}…` : head;
}

/** The start of a cell's text for a message, on one line, without splitting a character; and whether it was cut. */
function textStart(text: string): { start: string; cut: boolean } {
  if (text.length <= SHOWN_TEXT_LENGTH) return { start: text.replace(/[\r\n\t]+/g, ' '), cut: false };
  let end = SHOWN_TEXT_LENGTH;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return { start: text.slice(0, end).replace(/[\r\n\t]+/g, ' '), cut: true };
}

const sizeOf = (text: string) => `(${text.length.toLocaleString('en-US')} characters)`;

/** A cell's text for a message: as it is, or its first 80 characters and its size when it is longer. */
export function shortText(text: string): string {
  const { start, cut } = textStart(text);
  return cut ? `${start}… ${sizeOf(text)}` : start;
}

/** A cell's text quoted for a message: 'text', or 'its first 80 characters…' and its size when it is longer. */
export function quoteText(text: string): string {
  const { start, cut } = textStart(text);
  return cut ? `'${start}…' ${sizeOf(text)}` : `'${start}'`;
}
