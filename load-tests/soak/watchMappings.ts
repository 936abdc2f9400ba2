/**
 * Prints, every `--every-s` seconds, the anonymous memory of the process whose command line matches
 * `--match` by kind of mapping (`anonymousMappings.ts`): malloc arenas, V8 heap pages, other. Runs
 * beside a soak, in its own process, so that reading smaps costs the cell nothing.
 *
 *   npx tsx load-tests/soak/watchMappings.ts --match 'preflight.cjs.*load-tests/soak.ts' --every-s 15
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatNumber } from '../../ops/formatTable.ts';
import { anonymousMappings } from './anonymousMappings.ts';

const { values } = parseArgs({ options: { match: { type: 'string' }, 'every-s': { type: 'string', default: '15' } } });
if (!values.match) throw new Error('usage: watchMappings.ts --match REGEXP [--every-s N]');
const match = new RegExp(values.match);
const started = new Map<number, number>();

setInterval(() => {
  for (const pid of matchingPids()) {
    const m = anonymousMappings(pid);
    if (!m) continue;
    if (!started.has(pid)) started.set(pid, Date.now());
    const atS = ((Date.now() - (started.get(pid) ?? 0)) / 1000).toFixed(0);
    const cmd = commandLine(pid).match(/--out (\S+)/)?.[1] ?? '';
    const mib = (n: number) => formatNumber(n, 1);
    console.log(
      `${new Date().toISOString()} pid ${pid} +${atS}s ${cmd}: malloc ${mib(m.mallocMiB)} MiB, V8 pages ${mib(m.v8PagesMiB)} MiB, other ${mib(m.otherMiB)} MiB`,
    );
  }
}, Number(values['every-s']) * 1000);

function matchingPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .map(Number)
    .filter((pid) => match.test(commandLine(pid)) && !commandLine(pid).includes('watchMappings'));
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
