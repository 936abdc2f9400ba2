import { describe, expect, it } from 'vitest';
import type { FailureReport, FailureStore } from '../../../../../handlers/shared/dlq/FailureStore.ts';
import { reportFailedRecords } from '../../../../../handlers/shared/dlq/reportFailedRecord.ts';
import { DownstreamError, MalformedMessageError } from '../../../../../handlers/shared/errors.ts';
import type { RequestLogger } from '../../../../../handlers/shared/observability.ts';

function capturingLog() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: (Record<string, unknown> | Error)[]) =>
      lines.push({ level, message, fields: Object.assign({}, ...extra) });
  const log: RequestLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

class MemoryFailureStore implements FailureStore {
  readonly written: FailureReport[] = [];
  constructor(private readonly fail = false) {}
  async record(failure: FailureReport): Promise<void> {
    if (this.fail) throw new Error('table unavailable');
    this.written.push(failure);
  }
  async get() {
    return undefined;
  }
}

describe('reporting failed records', () => {
  it('logs each failed record once with invoiceId, eventId, stage, consumer, attempt and error, and keeps its failure record', async () => {
    // Prepare
    const { log, lines } = capturingLog();
    const store = new MemoryFailureStore();
    const error = new DownstreamError('Timestream', 'WriteRecords', 'ThrottlingException', 'transient', 'slow down');

    // Act
    await reportFailedRecords(
      [
        {
          messageId: 'm-1',
          eventId: 'e-1',
          invoiceId: 'INV-1',
          stage: 'posting',
          consumer: 'recorder',
          attempt: 3,
          error,
        },
      ],
      { log, store },
    );

    // Assess
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'record failed',
        fields: expect.objectContaining({
          invoiceId: 'INV-1',
          eventId: 'e-1',
          stage: 'posting',
          consumer: 'recorder',
          attempt: 3,
          kind: 'transient',
          errorClass: 'DownstreamError',
          error: expect.stringContaining('ThrottlingException'),
        }),
      },
    ]);
    expect(store.written).toEqual([
      expect.objectContaining({ eventId: 'e-1', route: 'posting/recorder', errorClass: 'DownstreamError', attempt: 3 }),
    ]);
  });

  it('keys a message without an eventId by its message id, logs a permanent failure as an error, and survives a failing store', async () => {
    // Prepare
    const { log, lines } = capturingLog();
    const error = new MalformedMessageError('m-2', [{ path: 'amount', message: 'not a decimal' }]);

    // Act
    await reportFailedRecords([{ messageId: 'm-2', stage: 'posting', attempt: 1, error }], {
      log,
      store: new MemoryFailureStore(true),
    });

    // Assess
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['error', 'record failed'],
      ['warn', 'failure record not written'],
    ]);
    expect(lines[0]!.fields).toMatchObject({
      eventId: null,
      consumer: null,
      route: 'posting/inbox',
      kind: 'permanent',
    });
    expect(lines[1]!.fields).toMatchObject({ eventId: 'message:m-2' });
  });
});
