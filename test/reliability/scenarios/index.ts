import type { ScenarioResult } from '../support/ScenarioResult.ts';
import { consumerCrashScenario } from './consumerCrash.ts';
import { duplicateDeliveriesScenario } from './duplicateDeliveries.ts';
import { eventTimestampsScenario } from './eventTimestamps.ts';
import { handlerTimeoutScenario } from './handlerTimeout.ts';
import { poisonMessagesScenario } from './poisonMessages.ts';
import { processKillScenario } from './processKill.ts';
import type { ScenarioSize } from './ScenarioSize.ts';
import { snsSqsRestartScenario } from './snsSqsRestart.ts';
import { firehoseOutageScenario, timestreamOutageScenario } from './timestreamOutage.ts';

export { CI_SIZE, FULL_SIZE, type ScenarioSize } from './ScenarioSize.ts';

/** Every fault-injection scenario, by the name `npm run reliability -- --only <name>` takes. */
export const SCENARIOS: Readonly<Record<string, (size: ScenarioSize) => Promise<ScenarioResult>>> = {
  'consumer-crash': consumerCrashScenario,
  'handler-timeout': handlerTimeoutScenario,
  sigkill: processKillScenario,
  'timestream-outage': timestreamOutageScenario,
  'firehose-outage': firehoseOutageScenario,
  'sns-sqs-restart': snsSqsRestartScenario,
  duplicates: duplicateDeliveriesScenario,
  'lakehouse-duplicates': (size) => duplicateDeliveriesScenario(size, 'lakehouse'),
  'lakehouse-sigkill': (size) => processKillScenario(size, 'lakehouse'),
  poison: poisonMessagesScenario,
  timestamps: eventTimestampsScenario,
};
