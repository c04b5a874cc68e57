// Error messages stay one readable line whatever the data held.
import { describe, expect, it } from 'vitest';
import { DataError, MAX_MESSAGE_LENGTH, quoteText, shortText } from '../../../pipelines/core/errors.ts';

describe('messages of huge or multi-line texts', () => {
  it('a cell text is quoted whole up to 80 characters, else by its first 80 and its size', () => {
    expect(quoteText('n/a')).toBe("'n/a'");
    expect(quoteText('x'.repeat(80))).toBe(`'${'x'.repeat(80)}'`);
    expect(quoteText('x'.repeat(10_000_000))).toBe(`'${'x'.repeat(80)}…' (10,000,000 characters)`);
    expect(shortText('y'.repeat(81))).toBe(`${'y'.repeat(80)}… (81 characters)`);
    expect(quoteText('a\nb\r\nc')).toBe("'a b c'");
    // a cut text too: line breaks and tabs in its first 80 characters become one space
    expect(shortText(`a\r\n\tb${'x'.repeat(100)}`)).toBe(`a b${'x'.repeat(75)}… (105 characters)`);
  });

  it('never cuts a character in half', () => {
    const t = `${'x'.repeat(79)}𠀋${'y'.repeat(10)}`;
    expect(quoteText(t)).toBe(`'${'x'.repeat(79)}…' (91 characters)`);
  });

  it('a DataError is one line of at most MAX_MESSAGE_LENGTH characters', () => {
    const e = new DataError({ file: 'a.csv', cell: 'B2' }, `expected a number, got ${'z\n'.repeat(5_000_000)}`);
    expect(e.message).not.toMatch(/[\r\n]/);
    expect(e.message.length).toBe(MAX_MESSAGE_LENGTH);
    expect(e.message.startsWith('file a.csv, cell B2: expected a number, got z z')).toBe(true);
    expect(e.message.endsWith('…')).toBe(true);
    expect(new DataError({ file: 'a.csv' }, 'short').message).toBe('file a.csv: short');
  });
});
