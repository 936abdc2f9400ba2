import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, type Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CellStack } from './CellStack.ts';
import { awsCells, GOVERNANCE, globalView } from './cells.config.ts';
import { CellBackup } from './constructs/CellBackup.ts';
import { PROJECT_ROOT } from './constructs/CellFunction.ts';
import type { CellDefinition, GlobalView, GovernanceInput } from './definition.ts';
import { addGlobalStacks } from './global/GlobalStacks.ts';
import { GovernanceStack } from './governance/GovernanceStack.ts';
import { governancePlans } from './governance/governancePlan.ts';

/**
 * The CDK app (`cdk.json`: `npx tsx cells/app.ts`): one stack per AWS cell of `cells.config.ts`,
 * each deployed to the account and Region its definition names. Synthesis needs no credentials:
 * nothing is looked up, hosted zones and certificates are referenced by id.
 */
export interface CellAppOptions {
  /** @default awsCells() */
  readonly cells?: readonly CellDefinition[];
  /**
   * The governance block, checked against the cells before anything is built; `false` builds no
   * governance stacks (tests about the cells alone).
   * @default GOVERNANCE for the default cells, the defaults of every account for other cells
   */
  readonly governance?: GovernanceInput | false;
  /** Extra context, e.g. `{ 'bems:skipBundling': true }` in tests. Feature flags come from cdk.json. */
  readonly context?: Readonly<Record<string, unknown>>;
  readonly outdir?: string;
  /**
   * The CDK's built-in CloudFormation template validation (dependency cycles, property rules). It
   * is most of the synthesis time; tests that are not about it may turn it off. cdk-nag always runs.
   * @default true
   */
  readonly cloudFormationValidation?: boolean;
  /**
   * The global operations view over the cells (`cells/global/`), or none.
   * @default globalView() when `cells` is not given (the app `npm run synth` builds), else none
   */
  readonly global?: GlobalView;
}

export interface CellApp {
  readonly app: App;
  readonly stacks: readonly CellStack[];
  /** One per account and Region that hosts cells. */
  readonly governanceStacks: readonly GovernanceStack[];
  /** `bems-global` and its Regional and link stacks, when the app has a global view. */
  readonly globalStacks: readonly Stack[];
}

/** The stack id of a governance stack, e.g. `BemsGovernance-111111111111-eu-west-1`. */
export function governanceStackId(account: string, region: string): string {
  return `BemsGovernance-${account}-${region}`;
}

/** The stack id of a cell, e.g. `Bems-euw1-a` (what `cdk deploy` names). */
export function cellStackId(cellId: string): string {
  return `Bems-${cellId}`;
}

export function createCellApp(options: CellAppOptions = {}): CellApp {
  // Tests construct the app directly, not through the CLI: read the same feature flags it would.
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const app = new App({
    context: { ...cdkJson.context, ...options.context },
    ...(options.outdir ? { outdir: options.outdir } : {}),
    builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
  });
  const cells = options.cells ?? awsCells();
  // Validated before any stack exists: a bad governance block fails with its field paths, not mid-synthesis.
  const governance = options.governance ?? (options.cells ? {} : GOVERNANCE);
  const plans = governance === false ? [] : governancePlans(cells, governance);
  const stacks = cells.map((cell) => new CellStack(app, cellStackId(cell.id), { cell }));
  const governanceStacks = plans.map(
    (plan) => new GovernanceStack(app, governanceStackId(plan.account, plan.region), { plan }),
  );
  // Built from the stack's stores (its public fields) as ARCHITECTURE.md's "Extending the stack" says.
  for (const stack of stacks.filter((s) => s.cell.backup.enabled))
    new CellBackup(stack, 'Backup', { cell: stack.cell, stores: stack, encryptionKey: stack.key.key });
  const global = options.global ?? (options.cells ? undefined : globalView());
  const globalStacks = global ? addGlobalStacks(app, global, cells) : [];
  // AwsSolutions checks run on every synthesis; a finding that is not acknowledged (with its
  // reason, next to the resource) fails the synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stacks, governanceStacks, globalStacks };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  createCellApp().app.synth();
}
