import type { ActionContext, ActionInput } from '../ActionContext.ts';
import { type RejectedRecord, RejectedRecordsError, ValidationError } from '../errors.ts';
import { TIMESTREAM_LIMITS } from '../limits.ts';
import { columnName, type TypeConflict } from '../MeasureTypes.ts';
import { type NormalizedRecord, normalizeRecord } from '../normalizeRecord.ts';
import { read, resourceName } from '../readInput.ts';
import type { TableInfo } from '../TimestreamStore.ts';
import { existingTable } from './existingTable.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

type Placement = { readonly store: 'memory' | 'magnetic' } | { readonly reason: string };
const MEMORY: Placement = { store: 'memory' };
const MAGNETIC: Placement = { store: 'magnetic' };

/**
 * Where a record's time lands: the memory store accepts [now − memory retention, now + 15 min];
 * older records go to the magnetic store only when the table enables magnetic-store writes and
 * they are within its retention; everything else is rejected.
 */
function isoRange(fromMs: number, toMs: number): string {
  return `[${new Date(fromMs).toISOString()}, ${new Date(toMs).toISOString()})`;
}

function placeRecord(timeMs: number, table: TableInfo, nowMs: number): Placement {
  const memoryFrom = nowMs - table.memoryRetentionHours * HOUR_MS;
  const futureTo = nowMs + TIMESTREAM_LIMITS.futureIngestionMs;
  // The range text is built only for a rejection: two toISOString per accepted record were a
  // visible share of a call.
  if (timeMs >= futureTo) {
    return {
      reason: `The record timestamp is outside the time range ${isoRange(memoryFrom, futureTo)} of the data ingestion window.`,
    };
  }
  if (timeMs >= memoryFrom) return MEMORY;
  if (!table.magneticWrites) {
    return {
      reason: `The record timestamp is outside the time range ${isoRange(memoryFrom, futureTo)} of the memory store, and magnetic store writes are not enabled for the table.`,
    };
  }
  const magneticFrom = nowMs - table.magneticRetentionDays * DAY_MS;
  if (timeMs < magneticFrom) {
    return {
      reason: `The record timestamp is older than the magnetic store retention period (${table.magneticRetentionDays} days).`,
    };
  }
  return MAGNETIC;
}

/**
 * Why a record that writes a measure with another type than its first write is rejected. AWS does
 * not document its wording for this case; this names what a caller must fix.
 */
function typeConflictReason(conflict: TypeConflict): string {
  return `Measure ${columnName(conflict.column)} has data type ${conflict.existingType} in this table and cannot be written as ${conflict.type}.`;
}

/**
 * `Version` is modelled with a minimum of 1, so AWS refuses a lower one for the whole call
 * (ValidationException), in a record or in CommonAttributes.
 */
function checkVersions(records: readonly unknown[], common: Record<string, unknown> | undefined): void {
  if (common) read.optionalInteger(common, 'Version', { min: 1, member: 'commonAttributes.version' });
  for (const [index, record] of records.entries()) {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) continue;
    read.optionalInteger(record as Record<string, unknown>, 'Version', {
      min: 1,
      member: `records.${index + 1}.member.version`,
    });
  }
}

/**
 * WriteRecords. Request-level problems (no or more than 100 records, unknown table, a dimension
 * both in CommonAttributes and a record) fail the whole call. Record-level problems reject only
 * that record: every other record of the call IS written, then the call answers
 * RejectedRecordsException listing the rejected indexes — exactly what Timestream does, so a
 * caller must never resend the whole batch blindly.
 */
export function writeRecords(input: ActionInput, context: ActionContext): unknown {
  const databaseName = resourceName(input, 'DatabaseName');
  const tableName = resourceName(input, 'TableName');
  const records = read.requiredArray(input, 'Records');
  if (records.length === 0) {
    throw read.constraint('records', undefined, 'Member must have length greater than or equal to 1');
  }
  if (records.length > TIMESTREAM_LIMITS.maxRecordsPerWrite) {
    const rule = `Member must have length less than or equal to ${TIMESTREAM_LIMITS.maxRecordsPerWrite}`;
    throw read.constraint('records', undefined, rule);
  }
  const common = read.optionalObject(input, 'CommonAttributes');
  checkVersions(records, common);

  const table = existingTable(context.store, databaseName, tableName);

  const rejected: RejectedRecord[] = [];
  const accepted: Array<{ index: number; record: NormalizedRecord; store: 'memory' | 'magnetic' }> = [];
  for (const [index, raw] of records.entries()) {
    const result = normalizeRecord(raw, common);
    if (!result.ok) {
      if (result.requestLevel) throw new ValidationError(result.reason);
      rejected.push({ RecordIndex: index, Reason: result.reason });
      continue;
    }
    const placement = placeRecord(result.record.timeMs, table, context.nowMs);
    if ('reason' in placement) {
      rejected.push({ RecordIndex: index, Reason: placement.reason });
      continue;
    }
    accepted.push({ index, record: result.record, store: placement.store });
  }

  const outcomes = context.store.writeRecords(
    databaseName,
    tableName,
    accepted.map((entry) => entry.record),
    context.nowMs,
  );
  let memory = 0;
  let magnetic = 0;
  for (const [i, outcome] of outcomes.entries()) {
    const entry = accepted[i]!;
    if (outcome.status === 'typeConflict') {
      rejected.push({ RecordIndex: entry.index, Reason: typeConflictReason(outcome.conflict) });
    } else if (outcome.status === 'conflict') {
      rejected.push({
        RecordIndex: entry.index,
        Reason: `A record with the same dimensions, timestamp and measure name but different measure values already exists with version ${outcome.existingVersion}; the record's Version ${entry.record.version} must be higher than the existing version to update it.`,
        ExistingVersion: outcome.existingVersion,
      });
    } else if (entry.store === 'memory') {
      memory += 1;
    } else {
      magnetic += 1;
    }
  }

  if (rejected.length > 0) {
    throw new RejectedRecordsError(rejected.sort((a, b) => a.RecordIndex - b.RecordIndex));
  }
  return { RecordsIngested: { Total: memory + magnetic, MemoryStore: memory, MagneticStore: magnetic } };
}
