import type { HandlerName } from '../../cells/functionPlan.ts';
import type { CellFunctions } from './cellFunctions.ts';
import type { LocalMonitor } from './monitor/index.ts';
import type { PollingSettings } from './pollers/index.ts';

/** One function of the plan as the local cell runs it (see `cells/functionPlan.ts`). */
export interface LocalFunctionDescription {
  readonly functionName: string;
  readonly handler: HandlerName;
  /** What its handler was built from: the plan's environment plus the local runtime's. */
  readonly environment: Readonly<Record<string, string>>;
  /** Its event source mappings: the queue each polls and the mapping's settings. */
  readonly eventSources: readonly ({ readonly queueName: string } & PollingSettings & {
      readonly reportBatchItemFailures: boolean;
    })[];
}

/** The functions as they run, for comparing with what the CDK deploys (test/infra/topologyParity.test.ts). */
export function describeFunctions(functions: CellFunctions, monitor: LocalMonitor): LocalFunctionDescription[] {
  const queueFed = functions.functions.map(({ plan, environment, mappings }) => ({
    functionName: plan.functionName,
    handler: plan.handler,
    environment,
    eventSources: mappings.map((mapping) => ({ queueName: mapping.queueName, ...mapping.settings })),
  }));
  const plan = functions.plan.monitor;
  return [
    ...queueFed,
    { functionName: plan.functionName, handler: plan.handler, environment: monitor.environment, eventSources: [] },
  ];
}
