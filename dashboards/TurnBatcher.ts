/** A request waiting for its batch, with the callbacks of the promise its caller holds. */
interface Pending<Request, Row> {
  readonly request: Request;
  readonly resolve: (rows: Row[]) => void;
  readonly reject: (error: unknown) => void;
}

export interface TurnBatcherOptions<Request, Row> {
  /** Requests with the same key are answered together, by one call of `run`. */
  readonly keyOf: (request: Request) => string;
  /** Answers one group: each request's rows, in the order of `group`. A failure rejects the whole group. */
  readonly run: (group: readonly Request[]) => Promise<Row[][]>;
}

/**
 * Collects the requests made in one turn of the event loop and answers each group of them (same key)
 * with one statement: the panels of a view start together, so a view reads each source once instead of
 * once per panel.
 */
export class TurnBatcher<Request, Row> {
  private readonly pending: Pending<Request, Row>[] = [];

  constructor(private readonly options: TurnBatcherOptions<Request, Row>) {}

  request(request: Request): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const groups = new Map<string, Pending<Request, Row>[]>();
    for (const pending of this.pending.splice(0)) {
      const key = this.options.keyOf(pending.request);
      groups.set(key, [...(groups.get(key) ?? []), pending]);
    }
    await Promise.all(
      [...groups.values()].map(async (group) => {
        try {
          const rows = await this.options.run(group.map((pending) => pending.request));
          for (const [i, pending] of group.entries()) pending.resolve(rows[i]!);
        } catch (error) {
          for (const pending of group) pending.reject(error);
        }
      }),
    );
  }
}
