/**
 * Cost of validating a batch POST body of 10 events with the contract: `parseRequestBody` (which
 * builds the stage's zod schema on every call) vs parsing with a schema built once.
 *
 *   npx tsx load-tests/micro/requestValidation.ts [--bodies 2000]
 */
import { batchRequestSchema } from '../../schemas/invoiceEvent.ts';
import { parseRequestBody } from '../../schemas/parseRequestBody.ts';
import { InvoiceEventGenerator } from '../invoiceEventGenerator.ts';
import { benchFlags } from './benchFlags.ts';

const { bodies: count } = benchFlags({ bodies: 2000 });
const generator = new InvoiceEventGenerator();
const bodies = Array.from({ length: count }, () => generator.batch(10, 'posting').body);
const perCallUs = (run: () => void) => {
  const started = performance.now();
  run();
  return (((performance.now() - started) * 1000) / count).toFixed(0);
};
for (let round = 1; round <= 3; round += 1) {
  const build = perCallUs(() => {
    for (let i = 0; i < count; i += 1) batchRequestSchema('posting');
  });
  const perRequest = perCallUs(() => {
    for (const body of bodies) parseRequestBody('posting', body);
  });
  const schema = batchRequestSchema('posting');
  const cached = perCallUs(() => {
    for (const body of bodies) schema.safeParse(body);
  });
  console.log(
    `round ${round}: build schema ${build} µs; parseRequestBody ${perRequest} µs; cached schema ${cached} µs (per 10-event body)`,
  );
}
