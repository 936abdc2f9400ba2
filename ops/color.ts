import type { CommandIo } from './commands/Command.ts';

/** SGR codes of the few colours `bems` uses: red for what blocks, yellow for attention, green for clear. */
const CODES = { red: 31, green: 32, yellow: 33, bold: 1, dim: 2 } as const;
export type Colour = keyof typeof CODES;

export type Paint = Readonly<Record<Colour, (text: string) => string>>;

/**
 * Colour functions for a command's table output; identity functions unless `io.color` (decided
 * once in cli.ts: a terminal, `--no-color` absent, NO_COLOR unset, TERM not "dumb").
 */
export function paint(io: Pick<CommandIo, 'color'>): Paint {
  const wrap = (code: number) => (text: string) => (io.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return Object.fromEntries(Object.entries(CODES).map(([name, code]) => [name, wrap(code)])) as Paint;
}

/** Whether to colour: https://no-color.org and the usual terminal checks. */
export function colourWanted(flag: boolean, stdoutIsTTY: boolean, env: Readonly<Record<string, string | undefined>>) {
  return flag && stdoutIsTTY && !env.NO_COLOR && env.TERM !== 'dumb';
}
