import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../ops/progressBar.ts';

describe('progress without a terminal', () => {
  it('writes a line with count, share and time left at most every interval, and a last one at the end', () => {
    // Prepare
    let now = 0;
    const lines: string[] = [];
    const progress = createProgress({
      total: 1000,
      label: 'Redriving',
      unit: 'messages',
      isTTY: false,
      json: false,
      lines: (line) => lines.push(line),
      lineIntervalMs: 10_000,
      now: () => now,
    });

    // Act
    now = 5_000;
    progress.update(100);
    now = 10_000;
    progress.update(250);
    now = 20_000;
    progress.update(500);
    progress.stop();

    // Assess
    expect(lines).toEqual([
      'Redriving: 250/1000 messages (25%), 10 s so far, about 30 s left',
      'Redriving: 500/1000 messages (50%), 20 s so far, about 20 s left',
      'Redriving: 500/1000 messages (50%), 20 s so far, about 20 s left',
    ]);
  });

  it('stays silent for JSON output', () => {
    const lines: string[] = [];
    const progress = createProgress({
      total: 1000,
      label: 'x',
      unit: 'y',
      isTTY: false,
      json: true,
      lines: (l) => lines.push(l),
    });
    progress.update(1000);
    progress.stop();
    expect(lines).toEqual([]);
  });
});
