import { vi } from 'vitest';

/** One CloudWatch embedded-metric-format document, as a handler prints it on stdout. */
export interface EmfDocument {
  readonly _aws: {
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
  readonly [field: string]: unknown;
}

/** Runs `act` and returns the EMF documents written to stdout meanwhile (other output is dropped). */
export async function captureEmf(act: () => Promise<unknown>): Promise<EmfDocument[]> {
  const documents: EmfDocument[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.includes('"CloudWatchMetrics"')) continue;
      documents.push(JSON.parse(line) as EmfDocument);
    }
    return true;
  });
  try {
    await act();
  } finally {
    write.mockRestore();
  }
  return documents;
}
