import { isStage, STAGES, type Stage } from '../../../schemas/stages.ts';
import { FaultRuleError } from '../errors.ts';

/**
 * Fault injection for tests, demos and game days. Applied by the local invokers (API and event
 * source mappings), never inside `handlers/`: a matching record fails as if the handler had failed.
 *
 * - `error`: the record is reported as failed (ingest: the invocation fails, API answers 502).
 * - `timeout`: the invocation hangs until the queue's visibility timeout has passed and then fails
 *   as a whole, like a Lambda that hits its timeout (ingest: API answers 504).
 * - `crash`: the function dies mid-batch: the records before the matching one are processed (their
 *   writes happen), then the invocation fails as a whole, so every record of the batch is delivered
 *   again — the case idempotency by eventId exists for (ingest: the events are put on the bus,
 *   then the API answers 502, so a client retries events that were in fact accepted).
 *
 * With `failReceives`, a rule only fires while a record's receive count is at most that number:
 * a transient fault that heals on redelivery (a crash, a timeout) rather than a poison message.
 */
export const FAULT_HANDLERS = ['ingest', 'forward', 'consume'] as const;
export type FaultHandler = (typeof FAULT_HANDLERS)[number];
export const FAULT_MODES = ['error', 'timeout', 'crash'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultRule {
  readonly handler: FaultHandler;
  /** Only this stage; all stages when absent. */
  readonly stage?: Stage;
  /** Only this consumer (consume handler); every consumer of the stage when absent. */
  readonly consumer?: string;
  /** RegExp source matched against the invoice id. */
  readonly invoiceIdPattern: string;
  /** @default 'error' */
  readonly mode?: FaultMode;
  /**
   * Only the first N receives of a record (SQS ApproximateReceiveCount ≤ N) fail; later deliveries
   * run normally. Queue-fed handlers only (the API has no receive count).
   * @default every receive
   */
  readonly failReceives?: number;
}

/** What a record is, as far as fault matching cares. */
export interface FaultTarget {
  readonly handler: FaultHandler;
  readonly stage: Stage;
  readonly consumer?: string;
  readonly invoiceId: string | undefined;
  /** How often the record has been received, this delivery included (SQS ApproximateReceiveCount). */
  readonly receiveCount?: number;
}

type CompiledRule = FaultRule & { readonly regex: RegExp };

/** Compiled rules: one RegExp per rule, built once. Rules can be replaced while the cell runs. */
export class FaultInjector {
  private rules: readonly CompiledRule[];

  constructor(rules: readonly FaultRule[] = []) {
    this.rules = FaultInjector.compile(rules);
  }

  /**
   * Replaces every rule at once (an empty list clears them), e.g. a fault that starts and ends
   * during a test or a game day. Invalid rules throw and leave the current rules in place.
   */
  setRules(rules: readonly FaultRule[]): void {
    this.rules = FaultInjector.compile(rules);
  }

  private static compile(rules: readonly FaultRule[]): CompiledRule[] {
    return rules.map((rule) => {
      if (!(FAULT_HANDLERS as readonly string[]).includes(rule.handler))
        throw new FaultRuleError(
          `fault rule: handler must be one of ${FAULT_HANDLERS.join(', ')}, got "${rule.handler}"`,
        );
      if (rule.stage !== undefined && !isStage(rule.stage))
        throw new FaultRuleError(`fault rule: stage must be one of ${STAGES.join(', ')}, got "${rule.stage}"`);
      if (rule.mode !== undefined && !(FAULT_MODES as readonly string[]).includes(rule.mode))
        throw new FaultRuleError(`fault rule: mode must be one of ${FAULT_MODES.join(', ')}, got "${rule.mode}"`);
      if (rule.failReceives !== undefined && !(Number.isInteger(rule.failReceives) && rule.failReceives >= 1))
        throw new FaultRuleError(`fault rule: failReceives must be a whole number ≥ 1, got ${rule.failReceives}`);
      if (typeof rule.invoiceIdPattern !== 'string' || rule.invoiceIdPattern === '')
        throw new FaultRuleError('fault rule: invoiceIdPattern must be a non-empty RegExp source');
      if (rule.consumer !== undefined && typeof rule.consumer !== 'string')
        throw new FaultRuleError('fault rule: consumer must be a consumer name');
      try {
        return { ...rule, regex: new RegExp(rule.invoiceIdPattern) };
      } catch (error) {
        throw new FaultRuleError(`fault rule: invoiceIdPattern "${rule.invoiceIdPattern}" is not a valid RegExp`, {
          cause: error,
        });
      }
    });
  }

  /** The rules in force, in the order they are matched. */
  list(): FaultRule[] {
    return this.rules.map(({ regex: _regex, ...rule }) => rule);
  }

  get size(): number {
    return this.rules.length;
  }

  /** The mode of the first rule matching `target`, or undefined when the record should run normally. */
  match(target: FaultTarget): FaultMode | undefined {
    if (target.invoiceId === undefined) return undefined;
    for (const rule of this.rules) {
      if (rule.handler !== target.handler) continue;
      if (rule.stage !== undefined && rule.stage !== target.stage) continue;
      if (rule.consumer !== undefined && rule.consumer !== target.consumer) continue;
      if (rule.failReceives !== undefined && (target.receiveCount ?? 1) > rule.failReceives) continue;
      if (rule.regex.test(target.invoiceId)) return rule.mode ?? 'error';
    }
    return undefined;
  }
}

/**
 * Parses the `--fault` flag: `handler:pattern[:stage[:mode]]`, e.g. `consume:^INV-13:posting` or
 * `forward:.*:reconciliation:timeout`. The pattern may not contain ":" (use `\x3a` in the RegExp).
 */
export function parseFaultFlag(flag: string): FaultRule {
  const [handler, pattern, stage, mode, ...rest] = flag.split(':');
  if (!handler || pattern === undefined || pattern === '' || rest.length > 0)
    throw new FaultRuleError(
      `--fault "${flag}": expected handler:pattern[:stage[:mode]], e.g. consume:^INV-13:posting`,
    );
  const rule: FaultRule = {
    handler: handler as FaultHandler,
    invoiceIdPattern: pattern,
    ...(stage ? { stage: stage as Stage } : {}),
    ...(mode ? { mode: mode as FaultMode } : {}),
  };
  new FaultInjector([rule]); // validates, with the same messages as programmatic rules
  return rule;
}
