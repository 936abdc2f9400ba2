import { z } from 'zod';
import { ALERT_SEVERITIES } from '../schemas/alerts.ts';

/**
 * The `governance` block of the cells config (`GOVERNANCE` in `cells.config.ts`): how each AWS
 * account that hosts cells is governed — its CloudTrail trail, its AWS Config recorder, where
 * governance alerts go. One governance stack per account and Region that hosts cells
 * (`bems-governance-<account>-<region>`, `cells/governance/`) is built from it and the cells.
 * Defaults live here; `governancePlans()` checks it against the cells (field paths in every problem).
 *
 * Example: `{ accounts: [{ account: '111111111111', organizationRole: 'management',
 * organizationId: 'o-a1b2c3d4e5', trail: { mode: 'organization' } }] }`
 */

/** `organization`: one trail for every account of the organization; `account`: this account's own; `none`: the account has one already. */
export const TRAIL_MODES = ['organization', 'account', 'none'] as const;
/** An account's place in AWS Organizations: only the management or delegated administrator account may create an organization trail. */
export const ORGANIZATION_ROLES = ['management', 'delegated-admin', 'member', 'standalone'] as const;

/** The retentions CloudWatch Logs accepts from 90 days up. */
const LOG_RETENTION_DAYS = [90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const ACCOUNT = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const REGION = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS Region such as eu-west-1');

export const GovernanceAccountSchema = z.strictObject({
  account: ACCOUNT,
  /** @default 'standalone' */
  organizationRole: z.enum(ORGANIZATION_ROLES).default('standalone'),
  /** The organization id (`o-…`); an organization trail's bucket policy names it. */
  organizationId: z
    .string()
    .regex(/^o-[a-z0-9]{10,32}$/, 'must be an AWS Organizations id such as o-a1b2c3d4e5')
    .optional(),
  trail: z
    .strictObject({
      /** @default 'account' */
      mode: z.enum(TRAIL_MODES).default('account'),
      /**
       * The Region the multi-Region trail, its log group and the detections live in; must host a
       * cell of the account. @default the Region of the account's first cell
       */
      homeRegion: REGION.optional(),
      /** Days the trail's CloudWatch log group keeps events (S3 keeps them per `logFileRetentionDays`). @default 365 */
      logGroupRetentionDays: z
        .union(
          LOG_RETENTION_DAYS.map((days) => z.literal(days)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>],
        )
        .default(365),
      /** Days the S3 bucket keeps log files before they expire. @default 2555 (7 years, finance audit) */
      logFileRetentionDays: z.int().min(365).max(3653).default(2555),
    })
    .prefault({}),
  /**
   * AWS Config keeps one recorder per account and Region: `existing` uses the one there (it must
   * record the BEMS resource types), `create` makes one with its delivery channel. `bems preflight`
   * tells which the account has. @default 'existing'
   */
  configRecorder: z.enum(['existing', 'create']).default('existing'),
});
export type GovernanceAccount = z.output<typeof GovernanceAccountSchema>;

export const GovernanceSchema = z.strictObject({
  /** Accounts that need other than the defaults; an account hosting cells without an entry gets them. */
  accounts: z.array(GovernanceAccountSchema).default([]),
  /** Which of a cell's alert topics each rule set reports to (`alerts` in the cell definition). */
  alerts: z
    .strictObject({
      /** Config non-compliance and failed remediations. @default 'warning' */
      configRules: z.enum(ALERT_SEVERITIES).default('warning'),
      /** CloudTrail detections. @default 'critical' */
      detections: z.enum(ALERT_SEVERITIES).default('critical'),
    })
    .prefault({}),
});
export type GovernanceInput = z.input<typeof GovernanceSchema>;
export type Governance = z.output<typeof GovernanceSchema>;
