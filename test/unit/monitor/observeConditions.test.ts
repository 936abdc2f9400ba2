import { describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../../handlers/monitor/evaluateAlerts.ts';
import { commandsFor, formatAlert } from '../../../handlers/monitor/formatAlert.ts';
import { observeConditions } from '../../../handlers/monitor/observeConditions.ts';
import type { DlqRoute } from '../../../handlers/shared/dlq/DlqRoute.ts';

const ROUTE: DlqRoute = {
  stage: 'posting',
  consumer: 'recorder',
  role: 'consumer',
  slaSeconds: 900,
  source: { name: 'bems-x-posting-recorder.fifo', url: 'u', fifo: true, maxReceiveCount: 5 },
  dlq: { name: 'bems-x-posting-recorder-dlq.fifo', url: 'u' },
};
const stats = (name: string, total: number, oldestAgeSeconds: number | null) => ({
  name,
  visible: total,
  inFlight: 0,
  oldestAgeSeconds,
});

describe('conditions and their severities', () => {
  it('reports nothing for a quiet cell', () => {
    expect(observeConditions([{ route: ROUTE, source: stats('q', 3, 1), dlq: stats('d', 0, null) }], [], [])).toEqual(
      [],
    );
  });

  it('warns about DLQ messages and turns critical when they pile up or wait too long', () => {
    const severity = (total: number, age: number) =>
      observeConditions([{ route: ROUTE, dlq: stats('d', total, age) }], [], [])[0]?.severity;
    expect(severity(1, 5)).toBe('warning');
    expect(severity(999, 3599)).toBe('warning');
    expect(severity(1000, 5)).toBe('critical');
    expect(severity(1, 3600)).toBe('critical');
  });

  it('warns about a source queue older than two minutes and is critical past the stage SLA', () => {
    const backlog = (age: number) => observeConditions([{ route: ROUTE, source: stats('q', 50, age) }], [], []);
    expect(backlog(119)).toEqual([]);
    expect(backlog(120)[0]).toMatchObject({ kind: 'backlog', severity: 'warning', count: 50 });
    expect(backlog(900)[0]).toMatchObject({ kind: 'backlog', severity: 'critical' });
  });

  it('escalates parked messages to a person at once', () => {
    const [dlq, parked] = observeConditions(
      [{ route: ROUTE, dlq: stats('d', 2, 30), parked: { count: 1, sampleInvoiceIds: ['INV-9'] } }],
      [],
      [],
    );
    expect(dlq).toMatchObject({ kind: 'dlq', severity: 'warning' });
    expect(parked).toMatchObject({ kind: 'parked', severity: 'critical', count: 1, sampleInvoiceIds: ['INV-9'] });
  });

  it('reports invoices past the SLA per stage, critical after four SLAs', () => {
    const sla = (oldest: number) =>
      observeConditions(
        [],
        [{ stage: 'posting', count: 3, oldestAgeSeconds: oldest, sampleInvoiceIds: ['A', 'B'], slaSeconds: 900 }],
        [],
      )[0];
    expect(sla(1000)).toMatchObject({ key: 'sla:posting', severity: 'warning', count: 3 });
    expect(sla(3600)).toMatchObject({ severity: 'critical' });
  });

  it('merges the problems of one check into one condition', () => {
    const conditions = observeConditions(
      [],
      [],
      [
        { check: 'queue-stats', message: 'a failed' },
        { check: 'queue-stats', message: 'b failed' },
      ],
    );
    expect(conditions).toEqual([
      expect.objectContaining({ key: 'monitor:queue-stats', count: 2, detail: 'a failed; b failed' }),
    ]);
  });
});

describe('alert text', () => {
  it('names the cell, stage, consumer, count and the exact recovery command', () => {
    // Prepare
    const [condition] = observeConditions([{ route: ROUTE, dlq: stats('d', 300, 75) }], [], []);
    const [transition] = evaluateAlerts({}, [{ ...condition!, sampleInvoiceIds: ['INV-1', 'INV-2'] }], 0).transitions;

    // Act
    const message = formatAlert(transition!, 'euw1-a');

    // Assess
    expect(message.subject).toBe('[BEMS warning] FIRING euw1-a: 300 messages in the DLQ of posting/recorder');
    expect(message.subject.length).toBeLessThanOrEqual(100);
    expect(message.text).toContain('Stage:     posting');
    expect(message.text).toContain('Consumer:  recorder');
    expect(message.text).toContain('Oldest:    1m 15s');
    expect(message.text).toContain('Invoices:  INV-1, INV-2');
    expect(message.text).toContain('Recover:   npx bems redrive posting --consumer recorder --cell euw1-a');
    expect(message.recoverCommand).toBe('npx bems redrive posting --consumer recorder --cell euw1-a');
  });

  it('points inbox DLQs at --inbox', () => {
    const inbox = { ...ROUTE, role: 'inbox' as const, consumer: undefined };
    const [condition] = observeConditions([{ route: inbox, dlq: stats('d', 1, 1) }], [], []);
    expect(commandsFor(condition!, 'local').recover).toBe('npx bems redrive posting --inbox --cell local');
  });

  it('keeps a subject within the 100 ASCII characters SNS allows', () => {
    const [condition] = observeConditions([], [], [{ check: 'x'.repeat(200), message: 'ü'.repeat(10) }]);
    const [transition] = evaluateAlerts({}, [condition!], 0).transitions;
    const { subject } = formatAlert(transition!, 'local');
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });
});
