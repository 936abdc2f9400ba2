import EXAMPLES from './examples.json' with { type: 'json' };
import { STAGES, type Stage } from './stages.ts';

/** One valid request body of a stage: an event of that stage, as a producer would send it. */
export type StageExample = { readonly stage: Stage } & Readonly<Record<string, unknown>>;

/**
 * One valid request body per stage, for the OpenAPI document and client documentation. They are
 * data, kept as JSON in `schemas/examples.json` (edit them there), and part of the contract:
 * `test/unit/schemas/openapi.test.ts` checks that the API and the published schemas accept each
 * (with the clock pinned just after its occurredAt).
 */
export const STAGE_EXAMPLES: Readonly<Record<Stage, StageExample>> = examplesByStage(EXAMPLES);

/** Every stage has exactly one example, filed under its own name. */
function examplesByStage(
  examples: Readonly<Record<string, { readonly stage?: unknown }>>,
): Record<Stage, StageExample> {
  const unknown = Object.keys(examples).filter((key) => !(STAGES as readonly string[]).includes(key));
  if (unknown.length > 0) throw new Error(`schemas/examples.json: no stage named ${unknown.join(', ')}`);
  return Object.fromEntries(
    STAGES.map((stage) => {
      const example = examples[stage];
      if (example?.stage !== stage) throw new Error(`schemas/examples.json: "${stage}" needs an example of that stage`);
      return [stage, example as StageExample];
    }),
  ) as Record<Stage, StageExample>;
}
