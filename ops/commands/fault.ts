import { readCellManifest } from '../../local/cell/cellManifest.ts';
import { type FaultRule, parseFaultFlag } from '../../local/cell/faults/index.ts';
import { CliError, TargetError, UsageError } from '../errors.ts';
import { booleanOptions, stringOptions } from '../optionTable.ts';
import { localDataDir } from '../target/index.ts';
import { parseCommandArgs, printRows, runSubcommand } from './args.ts';
import type { Command, CommandIo } from './Command.ts';

const USAGE = `Usage: bems fault add <handler:pattern[:stage[:mode]]> [--consumer C] [--fail-receives N] [--data-dir DIR] [--json]
       bems fault list [--data-dir DIR] [--json]
       bems fault clear [<n>] [--data-dir DIR] [--json]

Fault rules of the running local cell, changed while it runs (no restart): a matching record fails
as if its handler had failed, from the next record on. Rules are matched in order; the first wins.

add     a rule, written as npm start's --fault: handler = ingest | forward | consume,
        pattern = RegExp on the invoice id, stage (default: every stage),
        mode = error (default) | timeout | crash; e.g. consume:^INV-13:posting
  --consumer C         only this consumer (consume rules)
  --fail-receives N    only the first N receives of a record fail (a fault that heals on retry)
list    the rules in force, numbered
clear   every rule, or rule <n> of the list
  --data-dir DIR       the local cell's data directory (default: $BEMS_DATA_DIR or .data/local)
  --json               machine-readable output

With npm start -- --fast, a poison message reaches its DLQ in about 15 s (see docs/OPERATIONS.md).
Exit codes: 0 done; 2 bad rule or flags; 3 no local cell running.`;

const OPTIONS = { ...stringOptions('data-dir', 'consumer', 'fail-receives'), ...booleanOptions('json') } as const;

export const command: Command = {
  usage: USAGE,
  run: (args, io) => runSubcommand(args, io, { add, list, clear }),
};

async function add(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, true);
  if (positionals.length !== 1) throw new UsageError('add takes one rule, e.g. consume:^INV-13:posting');
  return report(io, values.json, await call(io, values, 'POST', 'faults', ruleOf(positionals[0]!, values)));
}

async function list(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseOtherThanAdd(args);
  if (positionals.length > 0) throw new UsageError('list takes no argument');
  return report(io, values.json, await call(io, values, 'GET', 'faults'));
}

async function clear(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseOtherThanAdd(args);
  if (positionals.length > 1) throw new UsageError('clear takes at most one rule number');
  const path = positionals[0] === undefined ? 'faults' : `faults/${positionals[0]}`;
  return report(io, values.json, await call(io, values, 'DELETE', path));
}

/** list and clear take add's options too, to refuse them with a message saying whose they are. */
function parseOtherThanAdd(args: readonly string[]) {
  const parsed = parseCommandArgs(args, OPTIONS, true);
  if (parsed.values.consumer !== undefined || parsed.values['fail-receives'] !== undefined)
    throw new UsageError('--consumer and --fail-receives belong to add');
  return parsed;
}

function ruleOf(flag: string, values: { consumer?: string; 'fail-receives'?: string }): FaultRule {
  let rule: FaultRule;
  try {
    rule = parseFaultFlag(flag);
  } catch (error) {
    throw new UsageError((error as Error).message.replace('--fault', 'rule'), { cause: error });
  }
  const failReceives = values['fail-receives'];
  if (failReceives !== undefined && !/^[1-9]\d*$/.test(failReceives))
    throw new UsageError(`--fail-receives must be a whole number ≥ 1, got "${failReceives}"`);
  return {
    ...rule,
    ...(values.consumer !== undefined ? { consumer: values.consumer } : {}),
    ...(failReceives !== undefined ? { failReceives: Number(failReceives) } : {}),
  };
}

/** One call to the cell's admin endpoint (found through its manifest); its error message becomes ours. */
async function call(
  io: CommandIo,
  values: { 'data-dir'?: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<readonly FaultRule[]> {
  const dataDir = localDataDir(values['data-dir'], io.env);
  let adminUrl: string;
  try {
    const manifest = readCellManifest(dataDir);
    if (!manifest.gateway) throw new TargetError(`the local cell on ${dataDir} has no admin endpoint: restart it`);
    adminUrl = manifest.gateway.adminUrl;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new TargetError((error as Error).message, { cause: error });
  }
  let response: Response;
  try {
    response = await fetch(`${adminUrl}/${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new TargetError(`the local cell at ${adminUrl} does not answer: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const answer = (await response.json().catch(() => ({}))) as { rules?: FaultRule[]; message?: string };
  if (response.status === 400 || response.status === 404)
    throw new UsageError(answer.message ?? `HTTP ${response.status}`);
  if (!response.ok) throw new CliError(`the local cell answered HTTP ${response.status}: ${answer.message ?? ''}`);
  return answer.rules ?? [];
}

function report(io: CommandIo, json: boolean | undefined, rules: readonly FaultRule[]): number {
  return printRows(io, json, {
    document: { rules },
    empty: 'No fault rules: every record runs normally.',
    header: ['#', 'handler', 'invoiceId pattern', 'stage', 'consumer', 'mode', 'fails receives'],
    rows: rules.map((rule, index) => [
      String(index + 1),
      rule.handler,
      rule.invoiceIdPattern,
      rule.stage ?? 'all',
      rule.consumer ?? 'all',
      rule.mode ?? 'error',
      rule.failReceives === undefined ? 'all' : `first ${rule.failReceives}`,
    ]),
  });
}
