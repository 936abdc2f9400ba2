import { awsCells } from '../../cells/cells.config.ts';
import { TargetError, UsageError } from '../errors.ts';
import { EXIT_CODES } from '../exitCodes.ts';
import {
  createPreflightClients,
  destroyPreflightClients,
  MIN_BOOTSTRAP_VERSION,
  renderReport,
  runPreflight,
} from '../preflight/index.ts';
import { parseCommandArgs, printJson } from './args.ts';
import type { Command } from './Command.ts';

const USAGE = `Usage: bems preflight --cell ID [--profile P] [--region R] [--output table|json|csv]

Read-only checks of an AWS account and Region before the first deploy of a cell: the credentials'
account, the CDK bootstrap (version ≥ ${MIN_BOOTSTRAP_VERSION}), the cell's analytics store (Timestream for LiveAnalytics
or S3 Tables + Firehose), QuickSight when the cell has dashboards, service quotas against what the
cell needs, and the cell's own API arithmetic.

  --cell ID        an AWS cell of cells/cells.config.ts (required)
  --profile P      AWS profile (default: the standard credential chain, e.g. AWS_PROFILE)
  --region R       Region to check (default: the cell's)
  --output json    print the report as JSON (also --json); csv: one row per check

Exit codes: 0 nothing blocks (warnings may be printed), 4 at least one check blocks the deploy,
3 AWS could not be reached (no credentials, expired session, no network), 2 wrong flags.`;

export const command: Command = {
  usage: USAGE,
  async run(args, io) {
    // --profile, --region and --output are the global options (globalOptions.ts), validated there.
    const { values } = parseCommandArgs(args, { cell: { type: 'string' } });
    if (values.cell === undefined) throw new UsageError('--cell is required, e.g. bems preflight --cell euw1-a');
    const cells = awsCells();
    const cell = cells.find((candidate) => candidate.id === values.cell);
    if (!cell)
      throw new TargetError(`unknown AWS cell "${values.cell}": AWS cells are ${cells.map((c) => c.id).join(', ')}`);
    const profile = values.profile ?? io.env.AWS_PROFILE;
    const region = values.region ?? cell.region;
    const clients = createPreflightClients(region, values.profile);
    try {
      const report = await runPreflight({
        cell,
        allCells: cells,
        region,
        ...(profile ? { profile } : {}),
        clients,
      });
      if (values.json) printJson(io, report, { rowsOf: 'checks' });
      else io.out(renderReport(report));
      return report.ok ? EXIT_CODES.ok : EXIT_CODES.attention;
    } finally {
      destroyPreflightClients(clients);
    }
  },
};
