import type { CellDefinition, QueueSettings } from '../../../cells/definition.ts';
import { STAGES } from '../../../schemas/stages.ts';

/**
 * `npm start -- --fast`: the cell's retry timings scaled down for practising with faults, so a
 * poison message reaches its DLQ in seconds instead of minutes. A failed message comes back once its
 * visibility timeout has passed, `maxReceiveCount` times: with the defaults (60 s, 5) that is five
 * minutes; divided by {@link FAST_DIVISOR} it is about 15 s. Only the waits change — every queue
 * keeps its `maxReceiveCount`, batch settings and DLQ, so what happens is what AWS would do, sooner.
 *
 * Locally the visibility timeout is also the invocation deadline (see `cellFunctions.ts`); it does
 * not go below {@link FAST_MIN_VISIBILITY_SECONDS}, under which a healthy batch on a busy machine
 * already runs out of time and is retried.
 */
export const FAST_DIVISOR = 20;
export const FAST_MIN_VISIBILITY_SECONDS = 3;

export function fastRetryTimings(cell: CellDefinition): CellDefinition {
  const stages = Object.fromEntries(
    STAGES.map((stage) => {
      const settings = cell.stages[stage];
      return [
        stage,
        {
          ...settings,
          inbox: fastQueue(settings.inbox),
          consumers: settings.consumers.map((consumer) => ({ ...consumer, queue: fastQueue(consumer.queue) })),
        },
      ];
    }),
  ) as CellDefinition['stages'];
  return { ...cell, stages };
}

function fastQueue(settings: QueueSettings): QueueSettings {
  const scaled = Math.ceil(settings.visibilityTimeoutSeconds / FAST_DIVISOR);
  return {
    ...settings,
    visibilityTimeoutSeconds: Math.min(
      settings.visibilityTimeoutSeconds,
      Math.max(FAST_MIN_VISIBILITY_SECONDS, scaled),
    ),
  };
}
