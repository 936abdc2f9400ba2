import type { CellDefinition } from '../../cells/definition.ts';
import { functionPlan, planFunctions } from '../../cells/functionPlan.ts';
import { HOURS_PER_MONTH } from './assumptions.ts';
import type { LineContext } from './costLines.ts';
import type { RegionPrices } from './prices.ts';

/** A function with provisioned concurrency, as the cell's function plan defines it. */
export interface ProvisionedFunction {
  readonly functionName: string;
  readonly concurrency: number;
  readonly memoryMiB: number;
}

/** The functions of a cell's plan that keep instances warm (the definition's `provisionedConcurrency`). */
export function provisionedFunctionsOf(cell: CellDefinition): ProvisionedFunction[] {
  return planFunctions(functionPlan(cell)).flatMap((fn) =>
    fn.provisionedConcurrency === undefined
      ? []
      : [{ functionName: fn.functionName, concurrency: fn.provisionedConcurrency, memoryMiB: fn.memoryMiB }],
  );
}

/**
 * Provisioned concurrency is billed for every second it is configured, used or not: instances ×
 * memory × the seconds of the month, whatever the traffic. (Invocations that land on a warm instance
 * are billed at a lower duration rate than on-demand; the pipeline lines keep them at the on-demand
 * rate, so the total is an upper bound.)
 */
export function addProvisionedConcurrencyLines(
  ctx: LineContext,
  prices: RegionPrices,
  functions: readonly ProvisionedFunction[],
): void {
  for (const fn of functions) {
    const gbSeconds = fn.concurrency * (fn.memoryMiB / 1024) * HOURS_PER_MONTH * 3600;
    ctx.add(
      'lambda',
      `provisioned concurrency ${fn.functionName} (${fn.concurrency} × ${fn.memoryMiB} MB, always on)`,
      prices.lambdaArmProvisionedGbSecond,
      gbSeconds,
    );
  }
}
