import { describe, expect, it } from 'vitest';
import { idempotencyRequestsPerEvent } from '../../../ops/cost/idempotencyLines.ts';
import { estimateMonthlyCost, IDEMPOTENCY_PRICE_TABLE } from '../../../ops/cost/index.ts';

describe('cost model: the idempotency store', () => {
  it.each(['timestream', 'lakehouse'] as const)('prices DynamoDB on demand for a %s cell', (store) => {
    // Act
    const estimate = estimateMonthlyCost({ eventsPerDay: 1_000_000, store, region: 'us-east-1' });

    // Assess
    const lines = estimate.lines.filter((l) => l.service === 'dynamoDb');
    expect(lines.map((l) => l.item)).toEqual([
      'idempotency writes (2 per event in 0.2 requests + repeats)',
      'idempotency reads (repeats in progress)',
      'idempotency storage (24 h window + 48 h TTL lag)',
    ]);
    const prices = IDEMPOTENCY_PRICE_TABLE.regions['us-east-1'];
    const writes = lines[0]!;
    // Two write units per event (the INSERT claim + the COMPLETED put, each batched) and two per
    // repeat (1%): the INSERT that finds the key taken and the conditional PutItem after it.
    expect(writes.quantity).toBeCloseTo((estimate.eventsPerMonth * 2.02) / 1e6, 6);
    expect(writes.monthlyUsd).toBeCloseTo(writes.quantity * prices.dynamoDbWriteRequestsPerMillion.tiers[0]!.price, 6);
    // Three days of records (window + TTL lag) of 350 + 100 bytes.
    expect(lines[2]!.quantity).toBeCloseTo((3 * 1_000_000 * 450) / 1024 ** 3, 9);
    expect(estimate.services).toContain('dynamoDb');
    expect(estimate.byService.dynamoDb).toBeCloseTo(
      lines.reduce((sum, l) => sum + l.monthlyUsd, 0),
      9,
    );
    expect(estimate.idempotencyPriceTable.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('counts the DynamoDB calls per event from the request size: one batch to claim and one to settle', () => {
    expect(idempotencyRequestsPerEvent({ eventsPerRequest: 10 })).toBeCloseTo(0.2, 9);
    expect(idempotencyRequestsPerEvent({ eventsPerRequest: 1 })).toBe(2);
    expect(idempotencyRequestsPerEvent({ eventsPerRequest: 0 })).toBe(2);
  });

  it('marks the Ireland throughput prices as recalled with low confidence', () => {
    const estimate = estimateMonthlyCost({ eventsPerDay: 1_000, region: 'eu-west-1' });
    const writes = estimate.lines.find((l) => l.item.startsWith('idempotency writes'))!;
    expect(writes.lowConfidence).toBe(true);
  });
});
