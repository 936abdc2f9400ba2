/**
 * ARNs of the emulated resources, in the exact shapes EventBridge uses, so tools that build or
 * parse ARNs (StartReplay takes an archive ARN and a bus ARN) work unchanged against the emulator.
 */
export interface ArnScope {
  readonly region: string;
  readonly account: string;
}

const prefix = (scope: ArnScope) => `arn:aws:events:${scope.region}:${scope.account}`;

export const arns = {
  bus: (scope: ArnScope, bus: string) => `${prefix(scope)}:event-bus/${bus}`,
  /** Rules on the default bus have no bus segment; rules on custom buses do. */
  rule: (scope: ArnScope, bus: string, rule: string) =>
    bus === 'default' ? `${prefix(scope)}:rule/${rule}` : `${prefix(scope)}:rule/${bus}/${rule}`,
  archive: (scope: ArnScope, archive: string) => `${prefix(scope)}:archive/${archive}`,
  replay: (scope: ArnScope, replay: string) => `${prefix(scope)}:replay/${replay}`,
} as const;

/**
 * The resource name an `EventBusName`/`ArchiveName`-style parameter refers to: AWS accepts either
 * a name or the full ARN. Returns undefined for an ARN of another kind.
 */
export function nameFromNameOrArn(value: string, kind: 'event-bus' | 'archive' | 'replay'): string | undefined {
  if (!value.startsWith('arn:')) return value;
  const match = /^arn:[^:]+:events:[^:]*:[^:]*:([a-z-]+)\/(.+)$/.exec(value);
  return match && match[1] === kind ? match[2] : undefined;
}

/** `{ bus, rule }` of a rule ARN (default-bus rules have no bus segment). */
export function ruleFromArn(value: string): { bus: string; rule: string } | undefined {
  const match = /^arn:[^:]+:events:[^:]*:[^:]*:rule\/(?:([^/]+)\/)?([^/]+)$/.exec(value);
  if (!match) return undefined;
  return { bus: match[1] ?? 'default', rule: match[2]! };
}
