// The estimation stage's progress bar: drawn on a terminal, nothing at all otherwise.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NO_PROGRESS, terminalProgress } from '../../../pipelines/estimate/progress.ts';

/** A stream that says it is (or is not) a terminal, collecting what is written to it. */
function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  Object.assign(stream, { isTTY, columns: 80, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream, written: () => text };
}

describe('estimate progress', () => {
  it('stays quiet when standard error is not a terminal', () => {
    const { stream, written } = fakeStream(false);
    const progress = terminalProgress(stream);
    expect(progress).toBe(NO_PROGRESS);
    progress.start('table5_threshold', 3);
    progress.tick();
    progress.stop();
    expect(written()).toBe('');
  });

  it('draws a bar per step on a terminal', async () => {
    const { stream, written } = fakeStream(true);
    const progress = terminalProgress(stream);
    progress.start('table5_threshold', 3);
    progress.tick();
    progress.tick();
    progress.stop();
    await new Promise((r) => setImmediate(r));
    expect(written()).toMatch(/table5_threshold/);
    expect(written()).toMatch(/2\/3/);
  });
});
