import { paint } from '../color.ts';
import { UsageError } from '../errors.ts';
import { EXIT_CODES } from '../exitCodes.ts';
import { booleanOptions, stringOptions } from '../optionTable.ts';
import { parseStage, parseTargetCommandArgs, printJson, TARGET_USAGE, withTarget } from './args.ts';
import type { Command } from './Command.ts';
import { statusOfAllCells } from './statusAllCells.ts';
import { collectStatus, renderStatus } from './statusReport.ts';

const USAGE = `Usage: bems status [--stage S] [--cell ID | --all-cells] [--data-dir DIR]

The cell at a glance: its components, every queue and DLQ (depth and oldest message), invoices past
their stage SLA, and the stuck-event monitor's open alerts.

  --stage S            only this stage's queues and SLA
  --all-cells          every cell of cells/cells.config.ts, each in its own account and Region (with the
                       role of its access block from another account), and the local cell when it runs;
                       --region R: only the cells in R
${TARGET_USAGE}

--output json prints the document of schemas/cliOutput.ts (CliStatusOutput; with --all-cells
CliStatusAllCellsOutput); --output csv one row per queue (per cell with --all-cells).
Exit codes: 0 all clear; 4 messages in a DLQ, invoices past their SLA or alerts open (any cell);
3 cell not reachable (with --all-cells: some AWS cell, and none needs attention).`;

export const command: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values } = parseTargetCommandArgs(args, { ...stringOptions('stage'), ...booleanOptions('all-cells') });
    const stage = parseStage('--stage', values.stage);
    const nowMs = (io.now ?? Date.now)();
    if (values['all-cells']) {
      if (values.cell !== undefined) throw new UsageError('--all-cells and --cell exclude each other');
      return statusOfAllCells(values, stage, nowMs, io);
    }
    return withTarget(values, io, async (target) => {
      const status = await collectStatus(target, stage, nowMs);
      if (values.json) printJson(io, status, { rowsOf: 'queues' });
      else io.out(renderStatus(status, paint(io)));
      return status.attention ? EXIT_CODES.attention : EXIT_CODES.ok;
    });
  },
};
