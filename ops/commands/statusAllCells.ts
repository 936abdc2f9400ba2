import { awsCells, localCell } from '../../cells/cells.config.ts';
import type { CellDefinition } from '../../cells/definition.ts';
import type { CliStatusAllCellsOutput } from '../../schemas/cliOutput.ts';
import type { Stage } from '../../schemas/stages.ts';
import { paint } from '../color.ts';
import { CliError } from '../errors.ts';
import { EXIT_CODES } from '../exitCodes.ts';
import { explainFailure } from '../explainFailure.ts';
import { formatTable } from '../formatTable.ts';
import { type CellTarget, resolveTarget } from '../target/index.ts';
import { printJson, type TargetValues } from './args.ts';
import type { CommandIo } from './Command.ts';
import { collectStatus } from './statusReport.ts';

type CellLine = CliStatusAllCellsOutput['cells'][number];

/**
 * `bems status --all-cells`: every AWS cell of the config, each read in its own account and Region
 * (through its role when the caller is elsewhere: cellSession.ts), side by side with the local
 * cell when one runs. Cells are read concurrently; one that cannot be read is a line, not the end.
 */
export async function statusOfAllCells(
  values: TargetValues & { readonly json: boolean },
  stage: Stage | undefined,
  nowMs: number,
  io: CommandIo,
): Promise<number> {
  const cells = awsCells().filter((cell) => values.region === undefined || cell.region === values.region);
  const access = {
    ...(values.profile !== undefined ? { profile: values.profile } : {}),
    ...(values['role-arn'] !== undefined ? { roleArn: values['role-arn'] } : {}),
    level: io.accessLevel ?? 'readonly',
  };
  const lines = await Promise.all([
    lineOf(localCell(), 'local', () =>
      resolveTarget(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}, io.env),
    ),
    ...cells.map((cell) =>
      lineOf(cell, 'aws', () => resolveTarget({ cell: cell.id, access }, io.env, io.awsClients ?? {})),
    ),
  ]);
  async function lineOf(
    cell: CellDefinition,
    kind: CellLine['kind'],
    resolve: () => Promise<CellTarget>,
  ): Promise<CellLine> {
    const where = { cell: cell.id, kind, account: cell.account, region: cell.region };
    let target: CellTarget | undefined;
    try {
      target = await resolve();
      const status = await collectStatus(target, stage, nowMs);
      return {
        ...where,
        cell: status.cell,
        state: status.attention ? 'attention' : 'ok',
        ...(target.roleArn ? { roleArn: target.roleArn } : {}),
        summary: status.summary,
        status,
      };
    } catch (error) {
      const line = error instanceof CliError ? error.message : explainFailure(error, { region: cell.region }).line;
      return { ...where, state: kind === 'local' ? 'not-running' : 'unreachable', error: line };
    } finally {
      target?.close();
    }
  }
  const document: CliStatusAllCellsOutput = {
    cells: lines,
    attention: lines.some((l) => l.state === 'attention'),
    unreachable: lines.filter((l) => l.state === 'unreachable').length,
  };
  if (values.json) printJson(io, document, { rowsOf: 'cells' });
  else io.out(render(document, io));
  if (document.attention) return EXIT_CODES.attention;
  return document.unreachable > 0 ? EXIT_CODES.unreachable : EXIT_CODES.ok;
}

function render(document: CliStatusAllCellsOutput, io: CommandIo): string {
  const colour = paint(io);
  const state = (s: CellLine['state']) =>
    s === 'ok' ? colour.green(s) : s === 'attention' ? colour.yellow(s) : s === 'unreachable' ? colour.red(s) : s;
  const count = (line: CellLine, pick: (s: NonNullable<CellLine['summary']>) => number) =>
    line.summary ? String(pick(line.summary)) : '-';
  const table = formatTable(
    ['cell', 'account', 'region', 'state', 'DLQ messages', 'past SLA', 'open alerts', 'note'],
    document.cells.map((line) => [
      line.cell,
      line.account,
      line.region,
      state(line.state),
      count(line, (s) => s.dlqMessages),
      count(line, (s) => s.stuckInvoices),
      count(line, (s) => s.openAlerts),
      line.error ?? (line.roleArn ? `as ${line.roleArn.split('/').pop()}` : ''),
    ]),
    { align: ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'left'] },
  );
  const attention = document.cells.filter((l) => l.state === 'attention').map((l) => l.cell);
  return [
    table,
    '',
    attention.length
      ? `Attention: ${attention.join(', ')}; details: bems status --cell <id>.`
      : document.unreachable
        ? `${document.unreachable} cell(s) could not be read; every other cell is clear.`
        : 'All clear in every cell.',
  ].join('\n');
}
