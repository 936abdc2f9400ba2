import type { AlertSeverity } from '../../schemas/alerts.ts';
import {
  type CellDefinition,
  CellDefinitionError,
  type Governance,
  type GovernanceAccount,
  type GovernanceInput,
  GovernanceSchema,
} from '../definition.ts';

/** What one governance stack (one account and Region that hosts cells) is built from. */
export interface GovernancePlan {
  readonly account: string;
  readonly region: string;
  /** `bems-governance-<account>-<region>`: stack name and resource-name prefix. */
  readonly prefix: string;
  /** The cells of this account in this Region (Config rules, remediation alerts). */
  readonly cells: readonly CellDefinition[];
  /** Every cell of the account: a multi-Region trail sees them all. */
  readonly accountCells: readonly CellDefinition[];
  readonly settings: GovernanceAccount;
  /** Set in the trail's home Region only: the trail, its log group and the detections live there. */
  readonly trail?: { readonly mode: 'organization' | 'account' };
  readonly alerts: Governance['alerts'];
}

export function governancePrefix(account: string, region: string): string {
  return `bems-governance-${account}-${region}`;
}

/** The alert topic a governance resource reports to: the cell's `bems-<cell>-alerts-<severity>`. */
export function alertTopicName(cellId: string, severity: AlertSeverity): string {
  return `bems-${cellId}-alerts-${severity}`;
}

/**
 * One plan per account and Region that hosts AWS cells. Every problem of the governance block is
 * reported at once, each with its field path (`governance.accounts.0.trail.mode: …`), before
 * anything is synthesized.
 */
export function governancePlans(cells: readonly CellDefinition[], input: GovernanceInput = {}): GovernancePlan[] {
  const parsed = GovernanceSchema.safeParse(input);
  if (!parsed.success) {
    throw new CellDefinitionError(
      parsed.error.issues.map((issue) => `governance.${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const governance = parsed.data;
  const problems = checkAccounts(cells, governance);
  if (problems.length) throw new CellDefinitionError(problems);

  const plans: GovernancePlan[] = [];
  for (const account of [...new Set(cells.map((c) => c.account))]) {
    const accountCells = cells.filter((c) => c.account === account);
    const settings =
      governance.accounts.find((a) => a.account === account) ??
      GovernanceSchema.parse({ accounts: [{ account }] }).accounts[0]!;
    const homeRegion = settings.trail.homeRegion ?? accountCells[0]!.region;
    for (const region of [...new Set(accountCells.map((c) => c.region))]) {
      const mode = settings.trail.mode;
      plans.push({
        account,
        region,
        prefix: governancePrefix(account, region),
        cells: accountCells.filter((c) => c.region === region),
        accountCells,
        settings,
        ...(region === homeRegion && mode !== 'none' ? { trail: { mode } } : {}),
        alerts: governance.alerts,
      });
    }
  }
  return plans;
}

function checkAccounts(cells: readonly CellDefinition[], governance: Governance): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  governance.accounts.forEach((entry, index) => {
    const at = `governance.accounts.${index}`;
    if (seen.has(entry.account)) problems.push(`${at}.account: account ${entry.account} is listed twice`);
    seen.add(entry.account);
    const regions = new Set(cells.filter((c) => c.account === entry.account).map((c) => c.region));
    if (regions.size === 0) {
      problems.push(`${at}.account: account ${entry.account} hosts no cell`);
      return;
    }
    const { mode, homeRegion } = entry.trail;
    if (homeRegion && !regions.has(homeRegion))
      problems.push(
        `${at}.trail.homeRegion: ${homeRegion} hosts no cell of account ${entry.account} (cells are in ${[...regions].join(', ')})`,
      );
    if (
      mode === 'organization' &&
      entry.organizationRole !== 'management' &&
      entry.organizationRole !== 'delegated-admin'
    )
      problems.push(
        `${at}.trail.mode: an organization trail is created from the management or a delegated administrator account; account ${entry.account} is "${entry.organizationRole}" (use mode "account")`,
      );
    if (mode === 'organization' && !entry.organizationId)
      problems.push(
        `${at}.organizationId: an organization trail needs the organization id (o-…) for its bucket policy`,
      );
    if (mode !== 'organization' && entry.organizationId && entry.organizationRole === 'standalone')
      problems.push(`${at}.organizationRole: a standalone account has no organization, but organizationId is set`);
  });
  return problems;
}
