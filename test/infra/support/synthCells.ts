import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { cellStackId, createCellApp } from '../../../cells/app.ts';
import type { CellStack } from '../../../cells/CellStack.ts';
import { SKIP_BUNDLING_CONTEXT } from '../../../cells/constructs/CellFunction.ts';
import {
  type CellDefinition,
  type CellDefinitionInput,
  type GlobalView,
  type GovernanceInput,
  parseCellDefinitions,
} from '../../../cells/definition.ts';
import { cellTopology } from '../../../cells/topology.ts';

/** One violation (or acknowledged violation) of a validation plugin, as the CDK reports it. */
export interface ReportedViolation {
  readonly ruleName: string;
  readonly severity: string;
  readonly violatingConstructs?: readonly { readonly constructPath: string }[];
  readonly acknowledgedId?: string;
  readonly acknowledgedAt?: string;
  readonly reason?: string;
}

export interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: readonly ReportedViolation[];
    readonly suppressedViolations?: readonly ReportedViolation[];
  }[];
}

export interface SynthesizedCells {
  readonly stacks: ReadonlyMap<string, CellStack>;
  readonly templates: ReadonlyMap<string, Template>;
  readonly assembly: CloudAssembly;
  /** The global view's templates by CDK stack id (`Bems-global`, …), when `global` was given. */
  readonly globalTemplates: ReadonlyMap<string, Template>;
  /** The validation report the synth wrote (cdk-nag AwsSolutions and CloudFormation validation). */
  readonly report: ValidationReport;
  /** Deletes the cloud assembly directory. */
  readonly cleanUp: () => void;
}

export interface SynthOptions {
  /** Bundle the handlers for real. @default false (placeholder code: most tests are not about it) */
  readonly bundle?: boolean;
  /**
   * Run the CDK's CloudFormation template validation as `npm run synth` does. It takes most of the
   * synthesis time, so only the tests that check validation results turn it on. @default false
   */
  readonly cloudFormationValidation?: boolean;
  /** The governance block, or false for no governance stacks. @default false (tests about the cells alone) */
  readonly governance?: GovernanceInput | false;
  /** Add the global operations view over `cells` (its templates go to `globalTemplates`). @default none */
  readonly global?: GlobalView;
}

/**
 * Synthesizes a CDK app of `cells` once, the way `npm run synth` does (same feature flags, cdk-nag
 * on), and returns a Template per cell id. Synthesis throws when a validation plugin reports an
 * unacknowledged finding.
 */
export function synthCells(cells: readonly CellDefinition[], options: SynthOptions = {}): SynthesizedCells {
  const outdir = mkdtempSync(path.join(tmpdir(), 'bems-cdk-'));
  const { app, stacks, globalStacks } = createCellApp({
    cells,
    outdir,
    ...(options.global ? { global: options.global } : {}),
    context: options.bundle ? {} : { [SKIP_BUNDLING_CONTEXT]: true },
    cloudFormationValidation: options.cloudFormationValidation ?? false,
    governance: options.governance ?? false,
  });
  const assembly = app.synth();
  const byId = new Map(stacks.map((stack) => [stack.cell.id, stack]));
  const templates = new Map(
    cells.map((cell) => [cell.id, Template.fromJSON(assembly.getStackArtifact(cellStackId(cell.id)).template)]),
  );
  const globalTemplates = new Map(
    globalStacks.map((stack) => [
      stack.artifactId,
      Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template),
    ]),
  );
  const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
  return {
    stacks: byId,
    templates,
    globalTemplates,
    assembly,
    report,
    cleanUp: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/**
 * A third cell for the tests, unlike the two examples: no custom domain, a revoked client, a
 * 30-day archive, a custom inbox and no alert e-mails.
 */
export const VARIANT_CELL: CellDefinitionInput = {
  id: 'test-b',
  account: '222222222222',
  region: 'eu-central-1',
  apiClients: [{ name: 'sap-fi' }, { name: 'legacy-erp', revoked: true }],
  archiveRetentionDays: 30,
  timestream: { memoryRetentionHours: 48, magneticRetentionDays: 400 },
  stages: {
    posting: {
      inbox: { batchSize: 5, batchingWindowSeconds: 0, visibilityTimeoutSeconds: 120, maxConcurrency: 4 },
      consumers: [{ name: 'recorder', queue: { maxReceiveCount: 3, visibilityTimeoutSeconds: 90, maxConcurrency: 3 } }],
      slaSeconds: 600,
    },
  },
};

export function variantCell(): CellDefinition {
  return parseCellDefinitions([VARIANT_CELL])[0]!;
}

/** Whether a cell keeps its analytics records in Timestream (the tests of Timestream resources run only for those). */
export function isTimestreamCell(cell: CellDefinition): boolean {
  return cell.analytics.store === 'timestream';
}

/** The environment a consume function of `cell` reaches its analytics store with. */
export function analyticsEnvironmentOf(cell: CellDefinition): Record<string, string> {
  return isTimestreamCell(cell)
    ? {
        TIMESTREAM_DATABASE_NAME: cellTopology(cell).timestreamDatabase,
        TIMESTREAM_TABLE_NAME: cellTopology(cell).timestreamTable,
      }
    : { ANALYTICS_STORE: 'lakehouse', FIREHOSE_STREAM_NAME: `bems-${cell.id}-analytics` };
}
