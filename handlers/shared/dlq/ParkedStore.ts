import { randomBytes } from 'node:crypto';
import {
  type AuditRecord,
  AuditRecordSchema,
  PARKED_ID_PATTERN,
  type ParkedMessage,
  ParkedMessageSchema,
} from '../../../schemas/parkedMessage.ts';

/**
 * Where parked DLQ messages live, and the audit trail of what operators did with them: an S3 prefix
 * of the cell on AWS (`S3ParkedStore`), files in the local cell's data directory (`FileParkedStore`).
 * The same layout in both: `parked/<stage>/<consumer|inbox>/<messageId>.json` and
 * `audit/<time>-<action>-<nonce>.json`.
 *
 * `put` returns only once the copy is durable: the caller deletes the DLQ message after it, never
 * before (`parkMessages`).
 */
export interface ParkedStore {
  /** For people: where the store is (`s3://bucket/prefix`, a directory). */
  readonly location: string;
  /** Writes (or overwrites: the id is derived from the message) a parked message, durably. */
  put(message: ParkedMessage): Promise<void>;
  get(id: string): Promise<ParkedMessage | undefined>;
  /** Every parked message whose id starts with `prefix` (`posting/`, `posting/recorder/`), oldest first. */
  list(prefix?: string): Promise<ParkedMessage[]>;
  /** Deletes a parked message; deleting one that is gone is no error. */
  remove(id: string): Promise<void>;
  /** Appends an audit record, durably. */
  audit(record: AuditRecord): Promise<void>;
  /** Every audit record, oldest first. */
  auditTrail(): Promise<AuditRecord[]>;
}

/** The store's key of a parked message (relative to the store's root). */
export function parkedKey(id: string): string {
  if (!PARKED_ID_PATTERN.test(id)) throw new ParkedStoreError(`"${id}" is not a parked message id`);
  return `parked/${id}.json`;
}

export function auditKey(record: Pick<AuditRecord, 'id'>): string {
  return `audit/${record.id.replace(/:/g, '')}.json`;
}

/** An audit record's id: sortable by time, unique per run. */
export function auditId(
  action: AuditRecord['action'],
  atMs: number,
  random: () => Buffer = () => randomBytes(4),
): string {
  return `${new Date(atMs).toISOString()}-${action}-${random().toString('hex')}`;
}

/** A stored object that is not a parked message or audit record (edited by hand, another version). */
export class ParkedStoreError extends Error {
  override readonly name = 'ParkedStoreError';
}

export function parseParked(text: string, where: string): ParkedMessage {
  const parsed = ParkedMessageSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new ParkedStoreError(`${where} is not a parked message: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export function parseAudit(text: string, where: string): AuditRecord {
  const parsed = AuditRecordSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new ParkedStoreError(`${where} is not an audit record: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export function byParkedAt(a: ParkedMessage, b: ParkedMessage): number {
  return a.parkedAt.localeCompare(b.parkedAt) || a.id.localeCompare(b.id);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
