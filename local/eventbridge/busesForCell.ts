import type { CellTopology } from '../../cells/topology.ts';
import type { BusOptions } from './options.ts';

/**
 * The emulator configuration of one cell, from the same topology the CDK stack is built from:
 * the cell bus with its archive, and one rule per stage (the stage's event pattern) targeting the
 * stage inbox queue, as the CDK rules do.
 */
export function busesForCell(options: {
  readonly topology: CellTopology;
  /** Days the archive keeps events; 0 = indefinitely (the cell definition's `archiveRetentionDays`). */
  readonly archiveRetentionDays: number;
  /** URL of a queue by name (the SQS endpoint decides the host). */
  readonly queueUrl: (queueName: string) => string;
}): BusOptions[] {
  const { topology } = options;
  return [
    {
      name: topology.busName,
      archiveName: topology.archiveName,
      archiveRetentionDays: options.archiveRetentionDays,
      rules: topology.stages.map((stage) => ({
        name: stage.ruleName,
        description: `invoice.${stage.stage} events to the ${stage.stage} inbox`,
        eventPattern: stage.eventPattern,
        targets: [{ id: 'inbox', queueUrl: options.queueUrl(stage.inbox.name) }],
      })),
    },
  ];
}
