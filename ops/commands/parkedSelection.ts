import type { DlqRoute } from '../../handlers/shared/dlq/index.ts';
import { type FailureRecord, failureKey, failureRoute } from '../../schemas/failureRecord.ts';
import type { ParkedMessage } from '../../schemas/parkedMessage.ts';
import type { Stage } from '../../schemas/stages.ts';
import { UsageError } from '../errors.ts';
import type { CellTarget } from '../target/index.ts';

/** How a command names parked messages: by id, by invoice, or all (of a stage, of a queue). */
export interface ParkedSelector {
  readonly ids: readonly string[];
  readonly invoices: readonly string[];
  readonly all: boolean;
  readonly stage?: Stage;
  readonly consumer?: string;
  readonly inbox?: boolean;
}

/** Exactly one way of naming messages, so a typo never widens a discard to everything. */
export function assertOneSelector(selector: ParkedSelector, what: string): void {
  const ways = [selector.ids.length > 0, selector.invoices.length > 0, selector.all].filter(Boolean).length;
  if (ways !== 1) throw new UsageError(`name the ${what} one way: parked ids, --invoice ID, or --all`);
  if (selector.consumer !== undefined && selector.inbox)
    throw new UsageError('--consumer and --inbox exclude each other');
}

/** The parked messages a selector names; an id that is not parked is an error (nothing half-done). */
export async function selectParked(target: CellTarget, selector: ParkedSelector): Promise<ParkedMessage[]> {
  if (selector.ids.length > 0) {
    const found: ParkedMessage[] = [];
    for (const id of selector.ids) {
      const message = await target.parkedStore.get(id).catch(() => undefined);
      if (!message)
        throw new UsageError(
          `"${id}" is not a parked message (bems parked list shows them; park first: bems dlq park)`,
        );
      found.push(message);
    }
    return found;
  }
  const prefix =
    selector.stage === undefined
      ? ''
      : `${selector.stage}/${selector.inbox ? 'inbox/' : selector.consumer !== undefined ? `${selector.consumer}/` : ''}`;
  const messages = await target.parkedStore.list(prefix);
  if (selector.invoices.length === 0) return messages;
  const invoices = new Set(selector.invoices);
  return messages.filter((m) => m.invoiceId !== undefined && invoices.has(m.invoiceId));
}

/** `DownstreamError (attempt 5, transient): Timestream WriteRecords failed …`, cut to `max`. */
export function describeFailure(failure: FailureRecord | undefined, max = 120): string {
  if (!failure) return '(no failure record)';
  const text = `${failure.errorClass} (attempt ${failure.attempt}, ${failure.kind}): ${failure.errorMessage}`;
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The failure record of a DLQ message, if the cell keeps one (best effort: a peek still works without). */
export async function failureOf(
  target: CellTarget,
  route: Pick<DlqRoute, 'stage' | 'consumer'>,
  message: { readonly eventId?: string; readonly messageId: string },
): Promise<FailureRecord | undefined> {
  if (!target.failures) return undefined;
  return target.failures
    .get(failureKey(message.eventId, message.messageId), failureRoute(route.stage, route.consumer))
    .catch(() => undefined);
}
