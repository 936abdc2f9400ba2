/**
 * Counts requests per service and per `service:Action`, the unit AWS bills SQS, SNS, EventBridge,
 * Lambda and API Gateway by. The benchmark compares these counts with and without batching.
 */
export class RequestCounter {
  private readonly byAction = new Map<string, number>();

  add(service: string, action = 'unknown', count = 1): void {
    const key = `${service}:${action}`;
    this.byAction.set(key, (this.byAction.get(key) ?? 0) + count);
  }

  /** `{ sqs: 120, sns: 40, … }` */
  byService(): Record<string, number> {
    return totalsByService(this.byAction);
  }

  /** `{ 'sqs:ReceiveMessage': 80, 'sns:PublishBatch': 40, … }` */
  byServiceAction(): Record<string, number> {
    return Object.fromEntries([...this.byAction].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** Per-service totals of counts keyed `service:Action` (from one counter or several merged). */
export function totalsByService(byAction: Iterable<[string, number]>): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const [key, count] of byAction) {
    const service = key.slice(0, key.indexOf(':'));
    totals[service] = (totals[service] ?? 0) + count;
  }
  return totals;
}
