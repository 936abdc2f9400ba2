import type { DlqRoute } from '../../handlers/shared/dlq/index.ts';

/** How the CLI's JSON documents name a DLQ route: its stage, its consumer (none for the inbox), its DLQ. */
export function routeJson(route: Pick<DlqRoute, 'stage' | 'consumer' | 'dlq'>) {
  return {
    stage: route.stage,
    ...(route.consumer !== undefined ? { consumer: route.consumer } : {}),
    dlq: route.dlq.name,
  };
}
