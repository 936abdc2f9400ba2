import { z } from 'zod';

/**
 * The settings blocks of a cell definition (`cells/definition.ts`), each a schema with its defaults:
 * how consumers run, API limits and alerts, the analytics store, backup, per-stage alarms, the
 * Fargate network and cross-account access. `definition.ts` assembles them into the cell and
 * re-exports them, so readers import the cell's vocabulary from one place.
 */

/** How a consumer runs: a Lambda function per stage, or an ECS Fargate service for long-running processing. */
export const CONSUMER_KINDS = ['lambda', 'fargate'] as const;
export type ConsumerKind = (typeof CONSUMER_KINDS)[number];

/**
 * A `fargate` consumer's service: the same consume handler under the poller runtime
 * (`runtimes/fargatePoller/`), scaled on its queue's backlog per task (target tracking).
 */
export const FargateSettingsSchema = z.strictObject({
  /** Tasks always running (at least one: backlog per task needs a task to divide by). @default 1 */
  minTasks: z.int().min(1).max(100).default(1),
  /** Most tasks the backlog may scale to. @default 4 */
  maxTasks: z.int().min(1).max(100).default(4),
  /** Visible messages per running task that target tracking holds the service at. @default 100 */
  backlogPerTask: z.int().min(1).max(100_000).default(100),
  /** Task CPU units (arm64). @default 256 */
  cpu: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)]).default(256),
  /** Task memory in MiB; Fargate allows 512–2048 for 256 CPU units, up to 8192 for 1024, … @default 512 */
  memoryMiB: z.int().min(512).max(30_720).default(512),
  /**
   * Seconds one batch may be processed while its messages are kept invisible (ChangeMessageVisibility
   * heartbeat); the handler's retries stop within it. @default 900
   */
  maxProcessingSeconds: z.int().min(10).max(43_200).default(900),
});
export type FargateSettings = z.infer<typeof FargateSettingsSchema>;

export const AlertSubscriptionsSchema = z.strictObject({
  critical: z.array(z.email()).default([]),
  warning: z.array(z.email()).default([]),
  info: z.array(z.email()).default([]),
});

/**
 * Cell-wide API limits (on top of each client's usage plan). Sized for the 60,000 events/min surge
 * of DESIGN §1 arriving as single-event requests, with 2.5x headroom, well inside the account's
 * 10,000 requests/s API Gateway quota so several cells can share one Region.
 */
export const ApiSettingsSchema = z.strictObject({
  /** Steady-state requests/second for `POST /invoices/{stage}` across all clients (method throttling). @default 2500 */
  rateLimit: z.number().positive().max(10_000).default(2500),
  /** Token-bucket burst across all clients (method throttling). @default 5000 */
  burstLimit: z.int().positive().max(5000).default(5000),
  /** WAF rate-based rule: requests per source IP per minute before the IP is blocked. @default 150000 */
  wafRequestsPerMinutePerIp: z.int().min(10).max(2_000_000_000).default(150_000),
  /**
   * Hours an eventId is remembered: a repeat within them is answered from the first outcome, the same
   * eventId with other content is refused (409). At most 30 days. @default 24 (as Stripe keeps keys)
   */
  idempotencyWindowHours: z.int().min(1).max(720).default(24),
});
export type ApiSettings = z.infer<typeof ApiSettingsSchema>;

/**
 * Where the cell's analytics records go. `timestream` is Timestream for LiveAnalytics (closed to
 * new customers since 2025-06-20: only accounts that already use it can create a database);
 * `lakehouse` is Firehose into an Iceberg table in an S3 table bucket, queried through Athena.
 * The `timestream` block of the cell holds the options of the `timestream` store.
 */
export const ANALYTICS_STORES = ['timestream', 'lakehouse'] as const;
export type AnalyticsStore = (typeof ANALYTICS_STORES)[number];

export const AnalyticsSettingsSchema = z.strictObject({
  /** The analytics store. @default 'timestream' (today's behaviour) */
  store: z.enum(ANALYTICS_STORES).default('timestream'),
});
export type AnalyticsSettings = z.infer<typeof AnalyticsSettingsSchema>;

/**
 * AWS Backup of the cell's stores that AWS Backup supports (the Timestream table, the idempotency
 * table, the S3 buckets of rejected or undeliverable records): a plan and a KMS-encrypted vault per
 * cell. The event archive is not a backup target; it is the source every store is rebuilt from
 * (docs/RECOVERY.md).
 */
export const BackupSettingsSchema = z.strictObject({
  /** @default true */
  enabled: z.boolean().default(true),
  /** When the backup runs (AWS Backup schedule expression, UTC). @default 'cron(0 * * * ? *)' (hourly: RPO 1 h) */
  scheduleExpression: z
    .string()
    .regex(/^(cron|rate)\(.+\)$/, 'must be an AWS Backup schedule expression such as cron(0 * * * ? *)')
    .default('cron(0 * * * ? *)'),
  /** Days a recovery point is kept. @default 35 */
  retentionDays: z.int().min(1).max(36_500).default(35),
  /** Copy every recovery point to this vault, in another Region (disaster recovery). @default none */
  copyToVaultArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[\w.-]+$/, 'must be a backup vault ARN')
    .optional(),
});
export type BackupSettings = z.infer<typeof BackupSettingsSchema>;

/**
 * Thresholds of the alarms each stage gets (`cells/constructs/stageAlarms.ts`), beside the
 * queue-age alarms at the 2-minute visibility SLA.
 */
export const StageAlarmSettingsSchema = z.strictObject({
  /**
   * Error rate of one stage's consumer in percent: records failed / records processed (every outcome
   * of `schemas/metrics.ts`: recorded, duplicate, deferred, failed), per minute, 3 of 5 minutes. @default 5
   */
  errorRatePercent: z.number().positive().max(100).default(5),
  /** Messages visible in a stage's main queue (its inbox, each consumer queue), 3 minutes in a row. @default 10000 */
  queueDepthMessages: z.int().min(1).default(10_000),
});
export type StageAlarmSettings = z.infer<typeof StageAlarmSettingsSchema>;

/**
 * Where a cell's Fargate consumers run: a VPC the cell creates (no block: two Availability Zones,
 * private subnets behind one NAT gateway, flow logs) or an existing one given by id with its private
 * subnets, which must reach SQS, ECR, CloudWatch Logs and the analytics store (NAT or endpoints).
 */
export const NetworkSettingsSchema = z.strictObject({
  vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id such as vpc-0123456789abcdef0'),
  privateSubnetIds: z
    .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id such as subnet-0123456789abcdef0'))
    .min(1),
});
export type NetworkSettings = z.infer<typeof NetworkSettingsSchema>;

/**
 * Cross-account operations (issue 16): the accounts whose principals may assume the cell's roles
 * `bems-<cell>-operator` (status, DLQ peek, redrive, replay, park/discard) and
 * `bems-<cell>-readonly` (status, dashboards), built by `cells/constructs/CellAccessRoles.ts` and
 * assumed by the `bems` CLI. A role trusts its accounts only together with `principalOrgId`
 * (`aws:PrincipalOrgID`) and/or `externalId` (`sts:ExternalId`): at least one is required.
 *
 * @example { operationsAccount: '444444444444', financeAccount: '555555555555', principalOrgId: 'o-a1b2c3d4e5' }
 */
const ACCOUNT_ID = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
export const CellAccessSchema = z
  .strictObject({
    /** The account operators work from: may assume both roles. */
    operationsAccount: ACCOUNT_ID,
    /** The finance/BI account: may assume the read-only role only. */
    financeAccount: ACCOUNT_ID.optional(),
    /** The AWS Organization the assuming principals must belong to (`aws:PrincipalOrgID`). */
    principalOrgId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, 'must be an AWS Organizations id such as o-a1b2c3d4e5')
      .optional(),
    /** The `sts:ExternalId` a caller must present (the CLI passes it). */
    externalId: z
      .string()
      .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2-1224 characters: letters, digits and + = , . @ : / - _')
      .optional(),
  })
  .refine((access) => access.principalOrgId !== undefined || access.externalId !== undefined, {
    message: 'needs principalOrgId or externalId: a role must not trust a whole account without a condition',
  });
export type CellAccess = z.infer<typeof CellAccessSchema>;
export const ACCESS_LEVELS = ['operator', 'readonly'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];
/** `bems-<cell>-operator` / `bems-<cell>-readonly`: the names the stack gives the roles and the CLI assumes. */
export function accessRoleName(cellId: string, level: AccessLevel): string {
  return `bems-${cellId}-${level}`;
}
