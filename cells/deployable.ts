import { type CellDefinition, CellDefinitionError } from './definition.ts';
import { FUNCTION_DEFAULTS } from './functionPlan.ts';
import { cellTopology } from './topology.ts';

/** Checks what an AWS cell needs beyond the shared definition schema, reporting every problem at once. */
export function assertDeployable(cell: CellDefinition): void {
  const problems: string[] = [];
  const label = `cell "${cell.id}"`;
  if (cell.account === '000000000000')
    problems.push(`${label}: account 000000000000 is the local cell's, not an AWS account`);
  for (const client of cell.apiClients) {
    if (client.localKey !== undefined) {
      problems.push(`${label}: apiClients.${client.name}.localKey: AWS cells let API Gateway generate keys; remove it`);
    }
  }
  const { minQueueFunctionTimeoutSeconds, visibilityToTimeoutRatio } = FUNCTION_DEFAULTS;
  const minVisibility = minQueueFunctionTimeoutSeconds * visibilityToTimeoutRatio;
  for (const stage of cellTopology(cell).stages) {
    for (const queue of [stage.inbox, ...stage.consumers.map((c) => c.queue)]) {
      if (queue.settings.visibilityTimeoutSeconds < minVisibility) {
        problems.push(
          `${label}: ${queue.name}: visibilityTimeoutSeconds ${queue.settings.visibilityTimeoutSeconds} is too short; ` +
            `a Lambda event source needs at least ${minVisibility} (${visibilityToTimeoutRatio} x a ${minQueueFunctionTimeoutSeconds} s function timeout)`,
        );
      }
    }
  }
  if (problems.length) throw new CellDefinitionError(problems);
}
