import { createInterface } from 'node:readline/promises';
import { UsageError } from './errors.ts';

/**
 * Asks on the terminal; only "y" or "yes" confirms. Without a terminal there is nobody to ask: the
 * command stops and says to pass `--yes`, rather than reading a script's stdin as an answer.
 */
export async function confirmOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError('stdin is not a terminal, so nobody can confirm: pass --yes');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
