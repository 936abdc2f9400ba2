import { z } from 'zod';
import { DEFAULT_PRIMARY_CONSUMER } from '../schemas/analyticsRecord.ts';
import { RedrivePolicySchema } from '../schemas/monitorTopology.ts';
import { STAGES, type Stage } from '../schemas/stages.ts';
import {
  AlertSubscriptionsSchema,
  AnalyticsSettingsSchema,
  type AnalyticsStore,
  ApiSettingsSchema,
  BackupSettingsSchema,
  CellAccessSchema,
  CONSUMER_KINDS,
  FargateSettingsSchema,
  NetworkSettingsSchema,
  StageAlarmSettingsSchema,
} from './cellSettings.ts';

// The settings blocks, and the monitor's contract (schemas/): parts of the cell definition, so
// re-exported for its readers.
export * from './cellSettings.ts';
export { RedrivePolicySchema };

/**
 * The one description of a cell. The local cell and the CDK app are both built from it (via
 * `topology.ts`), so there is no second copy of the topology to drift.
 *
 * Defaults live here and in the settings blocks of `cellSettings.ts`, nowhere else. `parseCellDefinitions` validates every cell at once and
 * reports all problems together (STYLE §9).
 */

/** A standard queue keeps messages a week less than its DLQ (cells/constructs/QueueWithDlq.ts), and at least a day. */
const MIN_STANDARD_DLQ_RETENTION_DAYS = 8;

/** A cell id, consumer or API client name: it becomes part of AWS resource names. */
const NameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,23}$/, 'must be lower-case letters, digits and "-", starting with a letter, at most 24');

/** SNS subscription filter policy (MessageAttributes scope): attribute → allowed values. */
export const FilterPolicySchema = z.record(
  z.string(),
  z.array(z.union([z.string(), z.record(z.string(), z.unknown())])).min(1),
);

export const QueueSettingsSchema = z.strictObject({
  /** Seconds a received message stays invisible; must exceed the consumer's timeout. @default 60 */
  visibilityTimeoutSeconds: z.int().min(1).max(43_200).default(60),
  /** Receives before a message moves to the DLQ. @default 5 */
  maxReceiveCount: z.int().min(1).max(1000).default(5),
  /** Messages per handler invocation (FIFO and Lambda cap it at 10). @default 10 */
  batchSize: z.int().min(1).max(10).default(10),
  /** Seconds to gather a batch (0 = invoke as soon as one message is there). @default 0 */
  batchingWindowSeconds: z.int().min(0).max(300).default(0),
  /** Concurrent handler invocations for this queue (Lambda maximum concurrency ≥ 2). @default 10 */
  maxConcurrency: z.int().min(2).max(1000).default(10),
  /** DLQ retention: long enough for a holiday weekend plus a redrive. @default 14 */
  dlqRetentionDays: z.int().min(1).max(14).default(14),
});
export type QueueSettings = z.infer<typeof QueueSettingsSchema>;

export const ConsumerSchema = z.strictObject({
  /** Consumer name, unique within its stage; becomes part of queue names. */
  name: NameSchema,
  /** Optional SNS filter policy on message attributes (stage, status, currency, vendorId). */
  filterPolicy: FilterPolicySchema.optional(),
  queue: QueueSettingsSchema.prefault({}),
  /** `lambda` (a consume function) or `fargate` (an ECS service running the same handler). @default 'lambda' */
  kind: z.enum(CONSUMER_KINDS).default('lambda'),
  /** The service of a `fargate` consumer (refused on a `lambda` one). */
  fargate: FargateSettingsSchema.prefault({}),
});
export type Consumer = z.infer<typeof ConsumerSchema>;

export const StageSettingsSchema = z.strictObject({
  /** Consumers subscribed to the stage's FIFO topic. @default one consumer named DEFAULT_PRIMARY_CONSUMER ("recorder") */
  consumers: z
    .array(ConsumerSchema)
    .min(1)
    .default([ConsumerSchema.parse({ name: DEFAULT_PRIMARY_CONSUMER })]),
  /** The stage inbox (standard queue between the bus and the forwarder). */
  inbox: QueueSettingsSchema.prefault({ batchSize: 10, batchingWindowSeconds: 1, visibilityTimeoutSeconds: 60 }),
  /** An invoice whose latest event in this stage is older than this and not final is stuck. @default 900 */
  slaSeconds: z.int().min(60).default(900),
});
export type StageSettings = z.infer<typeof StageSettingsSchema>;

export const ApiClientSchema = z.strictObject({
  /** Who the key belongs to, e.g. "sap-fi". */
  name: NameSchema,
  /**
   * The key value. Only for the local cell (and tests); AWS cells let API Gateway generate keys,
   * so an AWS cell must not carry one.
   */
  localKey: z.string().min(20).max(128).optional(),
  /** Steady-state requests/second (usage plan throttle rateLimit). @default 1000 */
  rateLimit: z.number().positive().default(1000),
  /** Token-bucket burst (usage plan throttle burstLimit). @default 2000 */
  burstLimit: z.int().positive().default(2000),
  /** Requests per day (usage plan quota); sized for 86M events/day in batches of 10 with headroom. @default 20_000_000 */
  quotaPerDay: z.int().positive().default(20_000_000),
  /** A revoked key is refused (403) but kept in the definition for the audit trail. @default false */
  revoked: z.boolean().default(false),
});
export type ApiClient = z.infer<typeof ApiClientSchema>;

/** Top-level blocks that configure one analytics store only; given to a cell of another store, they are refused. */
const STORE_OPTION_BLOCKS: Readonly<Record<string, AnalyticsStore>> = { timestream: 'timestream' };

export const CellDefinitionSchema = z.strictObject({
  /** Cell id, unique across all cells: becomes part of every resource name. */
  id: NameSchema,
  /** AWS account (12 digits); "000000000000" for the local cell. */
  account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS Region such as eu-west-1'),
  /** Settings per stage; every stage in STAGES must appear. */
  stages: z
    .strictObject(
      Object.fromEntries(STAGES.map((s) => [s, StageSettingsSchema.prefault({})])) as {
        [S in Stage]: z.ZodPrefault<typeof StageSettingsSchema>;
      },
    )
    .prefault({}),
  apiClients: z.array(ApiClientSchema).min(1),
  api: ApiSettingsSchema.prefault({}),
  /**
   * Seconds from the API accepting an event to the analytics store accepting its record within which
   * the event must be visible (DESIGN §1): the end-to-end latency alarm's threshold and the target line
   * of both dashboards' end-to-end panels. @default 120
   */
  visibilityTargetSeconds: z.int().min(10).max(3600).default(120),
  /**
   * Provisioned concurrency per function, by its key in the function plan (`ingest`, `forward`,
   * `consume-<consumer>`): that many execution environments kept initialised behind a `live` alias,
   * so no request waits for a cold start. Worth it for ingest, whose cold starts reach the producers;
   * billed around the clock (`bems cost --cell <id>`). @default none
   */
  provisionedConcurrency: z.record(z.string(), z.int().min(1).max(3000)).default({}),
  /** EventBridge archive retention in days; 0 keeps events indefinitely (audit). @default 0 */
  archiveRetentionDays: z.int().min(0).default(0),
  analytics: AnalyticsSettingsSchema.prefault({}),
  /** Options of the `timestream` analytics store (refused on a cell of another store). */
  timestream: z
    .strictObject({
      /** Memory-store retention in hours (fast writes and queries). @default 24 */
      memoryRetentionHours: z.int().min(1).max(8766).default(24),
      /** Magnetic-store retention in days. @default 2555 (7 years, finance audit) */
      magneticRetentionDays: z.int().min(1).max(73_000).default(2555),
    })
    .prefault({}),
  alerts: AlertSubscriptionsSchema.prefault({}),
  backup: BackupSettingsSchema.prefault({}),
  /** The VPC of the cell's Fargate consumers; absent: the cell creates one (only with a `fargate` consumer). */
  network: NetworkSettingsSchema.optional(),
  /** Per-stage alarm thresholds (error rate, queue depth). */
  stageAlarms: StageAlarmSettingsSchema.prefault({}),
  redrive: RedrivePolicySchema.prefault({}),
  /** QuickSight user/group ARN to share dashboards with; no QuickSight resources when absent. */
  quicksightPrincipalArn: z.string().startsWith('arn:aws:quicksight:').optional(),
  /**
   * Game days (FIS experiments on the consume functions). Off by default: the FIS Lambda extension
   * layer, its wrapper and read access to the fault configurations are on a cell's consumers only
   * when the cell opts in. @default { enabled: false }
   */
  gameDays: z.strictObject({ enabled: z.boolean().default(false) }).prefault({}),
  /** Custom domain for latency-based routing across cells. */
  domain: z
    .strictObject({
      name: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a DNS name such as api.invoices.example.com'),
      hostedZoneId: z.string().regex(/^Z[A-Z0-9]+$/, 'must be a Route 53 hosted zone id'),
      hostedZoneName: z.string(),
      certificateArn: z.string().startsWith('arn:aws:acm:'),
    })
    .optional(),
  /** Roles other accounts may assume to operate the cell (CellAccessSchema); none when absent. */
  access: CellAccessSchema.optional(),
});
/** A cell definition as written by a person (defaults may be omitted). */
export type CellDefinitionInput = z.input<typeof CellDefinitionSchema>;
/** A validated cell definition with every default filled in. */
export type CellDefinition = z.output<typeof CellDefinitionSchema>;

export class CellDefinitionError extends Error {
  override readonly name = 'CellDefinitionError';
  constructor(
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`invalid cell definition:\n  - ${problems.join('\n  - ')}`, options);
  }
}

/** Validates one or more cells, reporting every problem of every cell in one error. */
export function parseCellDefinitions(inputs: readonly CellDefinitionInput[]): CellDefinition[] {
  const problems: string[] = [];
  const cells: CellDefinition[] = [];
  inputs.forEach((input, index) => {
    const result = CellDefinitionSchema.safeParse(input);
    const label = typeof input?.id === 'string' ? `cell "${input.id}"` : `cell #${index}`;
    if (!result.success) {
      for (const issue of result.error.issues)
        problems.push(`${label}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      return;
    }
    const cell = result.data;
    // Checked on the input: after parsing, every block is present with its defaults.
    for (const [block, store] of Object.entries(STORE_OPTION_BLOCKS)) {
      if ((input as Record<string, unknown>)[block] !== undefined && cell.analytics.store !== store)
        problems.push(
          `${label}: ${block}: options of the "${store}" store on a cell whose analytics.store is "${cell.analytics.store}"`,
        );
    }
    problems.push(...fargateProblems(input, cell, label));
    for (const stage of STAGES) {
      // SQS keeps a standard message's enqueue time in the DLQ: the inbox must expire messages before its DLQ does.
      if (cell.stages[stage].inbox.dlqRetentionDays < MIN_STANDARD_DLQ_RETENTION_DAYS)
        problems.push(
          `${label}: stages.${stage}.inbox.dlqRetentionDays: at least ${MIN_STANDARD_DLQ_RETENTION_DAYS} (the inbox keeps messages 7 days less than its DLQ)`,
        );
      const names = cell.stages[stage].consumers.map((c) => c.name);
      const dupes = names.filter((name, i) => names.indexOf(name) !== i);
      if (dupes.length)
        problems.push(`${label}: stages.${stage}.consumers: duplicate consumer name(s) ${dupes.join(', ')}`);
    }
    problems.push(...provisionedConcurrencyProblems(cell, label));
    const copyRegion = cell.backup.copyToVaultArn?.split(':')[3];
    if (copyRegion === cell.region)
      problems.push(`${label}: backup.copyToVaultArn: the copy vault must be in another Region than ${cell.region}`);
    const clientNames = cell.apiClients.map((c) => c.name);
    const dupeClients = clientNames.filter((name, i) => clientNames.indexOf(name) !== i);
    if (dupeClients.length) problems.push(`${label}: apiClients: duplicate client name(s) ${dupeClients.join(', ')}`);
    cells.push(cell);
  });
  // Regional custom domain names are unique per Region: two cells answering for one name must sit
  // in different Regions (latency routing picks between Regions, not within one).
  const domainRegions = cells.filter((c) => c.domain).map((c) => `${c.domain!.name} in ${c.region}`);
  const dupeDomains = domainRegions.filter((key, i) => domainRegions.indexOf(key) !== i);
  if (dupeDomains.length) problems.push(`more than one cell serves domain ${[...new Set(dupeDomains)].join(', ')}`);
  const ids = cells.map((c) => c.id);
  const dupeIds = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dupeIds.length) problems.push(`duplicate cell id(s): ${dupeIds.join(', ')}`);
  if (problems.length) throw new CellDefinitionError(problems);
  return cells;
}

export {
  type Governance,
  type GovernanceAccount,
  type GovernanceInput,
  GovernanceSchema,
  TRAIL_MODES,
} from './governanceDefinition.ts';

/**
 * Function keys of the plan that may be given provisioned concurrency. The monitor may not: it runs
 * once a minute with a reservation of one, so a warm instance would buy nothing.
 */
function provisionedConcurrencyProblems(cell: CellDefinition, label: string): string[] {
  const consumers = new Set(
    STAGES.flatMap((stage) =>
      cell.stages[stage].consumers.filter((c) => c.kind === 'lambda').map((c) => `consume-${stage}-${c.name}`),
    ),
  );
  const keys = ['ingest', 'forward', ...consumers];
  return Object.keys(cell.provisionedConcurrency)
    .filter((key) => !keys.includes(key))
    .map(
      (key) =>
        `${label}: provisionedConcurrency.${key}: no such function in this cell; one of ${keys.join(', ')}` +
        (key === 'monitor' ? ' (the monitor runs once a minute with one reserved instance)' : ''),
    );
}

/**
 * A `fargate` block only on a Fargate consumer (checked on the input: after parsing every consumer
 * has one), tasks min ≤ max, and a `network` block only on a cell that runs a Fargate consumer.
 */
function fargateProblems(input: CellDefinitionInput, cell: CellDefinition, label: string): string[] {
  const problems: string[] = [];
  let fargateConsumers = 0;
  for (const stage of STAGES) {
    const given = (input.stages?.[stage]?.consumers ?? []) as { fargate?: unknown }[];
    cell.stages[stage].consumers.forEach((consumer, i) => {
      const where = `${label}: stages.${stage}.consumers.${consumer.name}`;
      if (consumer.kind === 'fargate') fargateConsumers++;
      else if (given[i]?.fargate !== undefined)
        problems.push(`${where}.fargate: options of a "fargate" consumer on one whose kind is "${consumer.kind}"`);
      if (consumer.fargate.minTasks > consumer.fargate.maxTasks)
        problems.push(
          `${where}.fargate: minTasks ${consumer.fargate.minTasks} is more than maxTasks ${consumer.fargate.maxTasks}`,
        );
    });
  }
  if (cell.network && fargateConsumers === 0)
    problems.push(`${label}: network: the cell has no "fargate" consumer to run in it`);
  return problems;
}

export function parseCellDefinition(input: CellDefinitionInput): CellDefinition {
  return parseCellDefinitions([input])[0]!;
}

/**
 * The global operations view (`bems-global`): one CloudWatch dashboard with every cell side by side
 * and one composite health alarm per cell, deployed into a monitoring account and Region. The cells
 * share their metrics with it through CloudWatch cross-account observability (an OAM sink per Region
 * in the monitoring account, a link per source account and Region); see `cells/global/`.
 */
export const GlobalViewSchema = z.strictObject({
  /** The monitoring account (12 digits). */
  account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  /** Where the dashboard lives (a cell's Region or not). */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS Region such as eu-west-1'),
  /**
   * The OAM sink ARN of each Region, once its sink stack is deployed: the default `SinkArn` of that
   * Region's link stacks (`cdk deploy --parameters SinkArn=…` works without it). @default none
   */
  sinkArns: z
    .record(
      z.string(),
      z.string().regex(/^arn:aws[a-z-]*:oam:[a-z0-9-]+:\d{12}:sink\/[\w-]+$/, 'must be an OAM sink ARN'),
    )
    .default({}),
});
export type GlobalViewInput = z.input<typeof GlobalViewSchema>;
export type GlobalView = z.output<typeof GlobalViewSchema>;

/** Validates the global view against the cells it shows, reporting every problem with its field path. */
export function parseGlobalView(input: GlobalViewInput, cells: readonly CellDefinition[]): GlobalView {
  const result = GlobalViewSchema.safeParse(input);
  if (!result.success) {
    throw new CellDefinitionError(
      result.error.issues.map((issue) => `global.${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const view = result.data;
  const problems: string[] = [];
  const regions = new Set(cells.map((c) => c.region));
  if (cells.length === 0) problems.push('global: there are no AWS cells to show');
  if (view.account === '000000000000') problems.push("global.account: 000000000000 is the local cell's account");
  for (const [region, arn] of Object.entries(view.sinkArns)) {
    const [, , , arnRegion, arnAccount] = arn.split(':');
    if (!regions.has(region)) problems.push(`global.sinkArns.${region}: no cell runs in ${region}`);
    if (arnRegion !== region)
      problems.push(`global.sinkArns.${region}: the sink ARN is in ${arnRegion}, not ${region}`);
    if (arnAccount !== view.account)
      problems.push(`global.sinkArns.${region}: the sink ARN is in account ${arnAccount}, not the monitoring account`);
  }
  if (problems.length) throw new CellDefinitionError(problems);
  return view;
}
