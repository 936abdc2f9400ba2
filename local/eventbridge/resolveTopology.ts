import { type ArnScope, arns } from './arns.ts';
import { EventBridgeConfigError } from './errors.ts';
import { EVENTBRIDGE_LIMITS } from './limits.ts';
import { compileEventPattern, type EventMatcher, validateEventPattern } from './matchPattern.ts';
import type { BusOptions, EventBridgeEmulatorOptions, TargetOptions } from './options.ts';

/** The bus every account has; it always exists and cannot be deleted. */
export const DEFAULT_BUS = 'default';

/** The buses, rules and archives the emulator serves, validated, with ARNs and compiled patterns. */
export interface ResolvedTarget {
  readonly id: string;
  readonly queueUrl: string;
}

export interface ResolvedRule {
  readonly name: string;
  readonly bus: string;
  readonly arn: string;
  readonly description?: string;
  /** The pattern as AWS returns it from DescribeRule: a JSON string. */
  readonly eventPatternJson: string;
  readonly matches: EventMatcher;
  readonly targets: readonly ResolvedTarget[];
}

export interface ResolvedArchive {
  readonly name: string;
  readonly arn: string;
  readonly bus: string;
  readonly busArn: string;
  /** 0 = indefinitely. */
  readonly retentionDays: number;
}

export interface ResolvedBus {
  readonly name: string;
  readonly arn: string;
  readonly rules: readonly ResolvedRule[];
  readonly archive?: ResolvedArchive;
}

export interface EmulatorTopology {
  readonly region: string;
  readonly account: string;
  readonly buses: ReadonlyMap<string, ResolvedBus>;
  readonly archives: ReadonlyMap<string, ResolvedArchive>;
}

/** Validates the whole configuration and reports every problem in one {@link EventBridgeConfigError}. */
export function resolveTopology(
  options: Pick<EventBridgeEmulatorOptions, 'region' | 'account' | 'buses'>,
): EmulatorTopology {
  const problems: string[] = [];
  const scope = { region: options.region, account: options.account };
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(options.region ?? '')) {
    problems.push(`region: must be an AWS Region such as eu-west-1, got ${JSON.stringify(options.region)}`);
  }
  if (!/^\d{12}$/.test(options.account ?? '')) {
    problems.push(`account: must be a 12-digit AWS account id, got ${JSON.stringify(options.account)}`);
  }
  if (!Array.isArray(options.buses) || options.buses.length === 0) problems.push('buses: at least one bus is required');

  const buses = new Map<string, ResolvedBus>();
  const archives = new Map<string, ResolvedArchive>();
  for (const [index, bus] of (options.buses ?? []).entries()) {
    const label = `buses[${index}] (${JSON.stringify(bus.name)})`;
    if (!EVENTBRIDGE_LIMITS.busName.test(bus.name ?? '')) problems.push(`${label}: invalid bus name`);
    if (buses.has(bus.name)) problems.push(`${label}: duplicate bus name`);
    const busArn = arns.bus(scope, bus.name);
    const archive = resolveArchive(bus, busArn, scope, label, problems);
    if (archive) {
      if (archives.has(archive.name)) problems.push(`${label}: archive name ${archive.name} is used twice`);
      archives.set(archive.name, archive);
    }
    const rules = resolveRules(bus, label, scope, problems);
    buses.set(bus.name, { name: bus.name, arn: busArn, rules, ...(archive ? { archive } : {}) });
  }
  if (problems.length) throw new EventBridgeConfigError(problems);
  // Every account has a `default` bus: calls without EventBusName use it. Without rules here, an
  // event put on it is accepted and matches nothing, as on an account that never configured it.
  if (!buses.has(DEFAULT_BUS))
    buses.set(DEFAULT_BUS, { name: DEFAULT_BUS, arn: arns.bus(scope, DEFAULT_BUS), rules: [] });
  return { region: options.region, account: options.account, buses, archives };
}

function resolveArchive(bus: BusOptions, busArn: string, scope: ArnScope, label: string, problems: string[]) {
  if (bus.archiveName === undefined) {
    if (bus.archiveRetentionDays !== undefined) problems.push(`${label}: archiveRetentionDays needs an archiveName`);
    return undefined;
  }
  if (!EVENTBRIDGE_LIMITS.archiveName.test(bus.archiveName)) {
    problems.push(`${label}: invalid archive name ${JSON.stringify(bus.archiveName)}`);
  }
  const retentionDays = bus.archiveRetentionDays ?? 0;
  if (!Number.isInteger(retentionDays) || retentionDays < 0) {
    problems.push(`${label}: archiveRetentionDays must be a whole number ≥ 0 (0 = indefinitely)`);
  }
  return {
    name: bus.archiveName,
    arn: arns.archive(scope, bus.archiveName),
    bus: bus.name,
    busArn,
    retentionDays,
  } satisfies ResolvedArchive;
}

function resolveRules(bus: BusOptions, busLabel: string, scope: ArnScope, problems: string[]): ResolvedRule[] {
  if (!Array.isArray(bus.rules)) {
    problems.push(`${busLabel}: rules must be an array`);
    return [];
  }
  const names = new Set<string>();
  return bus.rules.map((rule, index) => {
    const label = `${busLabel}.rules[${index}] (${JSON.stringify(rule.name)})`;
    if (!EVENTBRIDGE_LIMITS.ruleName.test(rule.name ?? '')) problems.push(`${label}: invalid rule name`);
    if (names.has(rule.name)) problems.push(`${label}: duplicate rule name on this bus`);
    names.add(rule.name);
    const patternProblems = validateEventPattern(rule.eventPattern);
    for (const problem of patternProblems) problems.push(`${label}: eventPattern ${problem}`);
    const targets: readonly TargetOptions[] = Array.isArray(rule.targets) ? rule.targets : [];
    if (!Array.isArray(rule.targets)) problems.push(`${label}: targets must be an array`);
    if (targets.length > EVENTBRIDGE_LIMITS.maxTargetsPerRule) {
      problems.push(`${label}: at most ${EVENTBRIDGE_LIMITS.maxTargetsPerRule} targets per rule`);
    }
    const ids = new Set<string>();
    for (const target of targets) {
      if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(target.id ?? '')) problems.push(`${label}: invalid target id`);
      if (ids.has(target.id)) problems.push(`${label}: duplicate target id ${target.id}`);
      ids.add(target.id);
      if (!URL.canParse(target.queueUrl ?? '')) problems.push(`${label}: target ${target.id}: queueUrl is not a URL`);
    }
    return {
      name: rule.name,
      bus: bus.name,
      arn: arns.rule(scope, bus.name, rule.name),
      ...(rule.description ? { description: rule.description } : {}),
      eventPatternJson: JSON.stringify(rule.eventPattern),
      matches: patternProblems.length ? () => false : compileEventPattern(rule.eventPattern),
      targets: targets.map((t) => ({ id: t.id, queueUrl: t.queueUrl })),
    };
  });
}
