import { type InvoiceEventDetail, SCHEMA_VERSION } from '../../schemas/envelope.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';

export interface ServerStamp {
  readonly cell: string;
  /** The AWS account the ingest function ran in; unknown only when called without a Lambda context. */
  readonly account: string | undefined;
  readonly region: string;
  /** When the API received the request (epoch ms); the start of every latency BEMS reports. */
  readonly receivedAt: number;
}

/** The event as it enters the bus: the validated event plus what the server knows about it. */
export function withServerMetadata(event: InvoiceEvent, stamp: ServerStamp): InvoiceEventDetail {
  return {
    ...event,
    server: {
      cell: stamp.cell,
      ...(stamp.account !== undefined ? { account: stamp.account } : {}),
      region: stamp.region,
      receivedAt: new Date(stamp.receivedAt).toISOString(),
      schemaVersion: SCHEMA_VERSION,
    },
  };
}
