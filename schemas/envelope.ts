import * as z from 'zod';
import { strictObject } from './fields.ts';
import { eventCrossFieldRules, runAlways, stageEventObject } from './invoiceEvent.ts';
import { STAGES, type Stage } from './stages.ts';

/** Bumped when the event detail changes shape; consumers log and keep unknown versions in the DLQ. */
export const SCHEMA_VERSION = '1' as const;
/** `source` of every event BEMS puts on a cell's bus. */
export const EVENT_SOURCE = 'bems.invoices' as const;

/** EventBridge `detail-type` for a stage; each stage rule matches exactly one. */
export function detailTypeFor(stage: Stage): string {
  return `invoice.${stage}`;
}

/**
 * What the server adds to a validated event before it enters the bus (DESIGN §4): where it was
 * received (cell, AWS account, Region), when, and under which contract version.
 *
 * `account` is optional although ingest always stamps it on Lambda (it reads it from the
 * invocation's function ARN): events stamped before it existed still travel (DLQ redrives, archive
 * replays) and must stay valid. Adding an optional field keeps `schemaVersion` "1".
 *
 * @example { "cell": "local", "account": "000000000000", "region": "eu-west-1", "receivedAt": "2026-11-28T09:30:01.120Z", "schemaVersion": "1" }
 */
export const ServerMetadataSchema = strictObject({
  cell: z.string().min(1),
  account: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
    .optional(),
  region: z.string().min(1),
  receivedAt: z.iso.datetime({ offset: true }),
  schemaVersion: z.literal(SCHEMA_VERSION, {
    error: `must be "${SCHEMA_VERSION}" (this consumer does not understand other versions)`,
  }),
});
export type ServerMetadata = z.infer<typeof ServerMetadataSchema>;

/** Downstream the future-skew rule is off: a redriven or replayed event is validated again later. */
function stageDetailSchema<S extends Stage>(stage: S) {
  return stageEventObject(stage, { checkFutureSkew: false })
    .extend({ server: ServerMetadataSchema })
    .superRefine(eventCrossFieldRules, runAlways);
}

/**
 * The event as it travels past ingest: EventBridge `detail`, SNS message and SQS FIFO body. The
 * contract is the one the API enforced (unknown fields still rejected) plus `server`.
 *
 * @example { "eventId": "…", "invoiceId": "INV-1", "stage": "posting", "status": "posted", …,
 *            "server": { "cell": "local", "account": "000000000000", "region": "eu-west-1", "receivedAt": "2026-11-28T09:30:01.120Z", "schemaVersion": "1" } }
 *
 * This schema and {@link BusEventSchema} are built on their first parse (`z.lazy`), not at import:
 * each is four stage schemas that a function which does not parse it (ingest parses neither, consume
 * only this one) would otherwise build in every cold start (docs/PERFORMANCE.md, "Lambda cold starts").
 */
export const InvoiceEventDetailSchema = z.lazy(() =>
  z.discriminatedUnion(
    'stage',
    [
      stageDetailSchema('ingestion'),
      stageDetailSchema('reconciliation'),
      stageDetailSchema('authorization'),
      stageDetailSchema('posting'),
    ],
    { error: `must be one of: ${STAGES.join(', ')}` },
  ),
);
export type InvoiceEventDetail = z.infer<typeof InvoiceEventDetailSchema>;

const DETAIL_TYPES = STAGES.map(detailTypeFor) as [string, ...string[]];

/**
 * The EventBridge event the bus delivers to a stage inbox (SQS body). Not strict at the top level:
 * EventBridge may add envelope fields. `replay-name` is present only on events re-sent from the
 * archive. `detail-type` must name the stage of `detail`, since rules route on it.
 *
 * @example { "version": "0", "id": "…", "detail-type": "invoice.posting", "source": "bems.invoices",
 *            "account": "123456789012", "time": "2026-11-28T09:30:01Z", "region": "eu-west-1",
 *            "resources": [], "detail": { … } }
 */
export const BusEventSchema = z.lazy(() =>
  z
    .object({
      version: z.string(),
      id: z.string(),
      'detail-type': z.enum(DETAIL_TYPES, { error: `must be one of: ${DETAIL_TYPES.join(', ')}` }),
      source: z.literal(EVENT_SOURCE),
      account: z.string(),
      time: z.string(),
      region: z.string(),
      resources: z.array(z.string()),
      'replay-name': z.string().optional(),
      detail: InvoiceEventDetailSchema,
    })
    .superRefine((event, ctx) => {
      if (event['detail-type'] !== detailTypeFor(event.detail.stage)) {
        ctx.addIssue({
          code: 'custom',
          path: ['detail-type'],
          message: `must be "${detailTypeFor(event.detail.stage)}" for an event of stage "${event.detail.stage}"`,
        });
      }
    }),
);
export type BusEvent = z.infer<typeof BusEventSchema>;
