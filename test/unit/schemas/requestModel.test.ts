import { describe, expect, it } from 'vitest';
import {
  JSON_SCHEMA_DRAFT_04,
  requestModelFor,
  requestModelName,
  requestModelSchema,
} from '../../../schemas/requestModel.ts';
import { STAGES } from '../../../schemas/stages.ts';

type Schema = Record<string, unknown> & {
  anyOf: Array<{ properties: Record<string, Record<string, unknown>>; required: string[] }>;
};

describe('API Gateway request model', () => {
  const model = requestModelSchema('posting') as Schema;
  const [single, batch] = model.anyOf;

  it('is JSON Schema draft-04 accepting one event or a batch', () => {
    expect(model.$schema).toBe(JSON_SCHEMA_DRAFT_04);
    expect(model.anyOf).toHaveLength(2);
    expect(batch?.required).toEqual(['events']);
    expect(batch?.properties.events).toMatchObject({ type: 'array', minItems: 1, maxItems: 10 });
  });

  it('lets the body omit stage, and allows only the stage of the path', () => {
    expect(single?.required).not.toContain('stage');
    expect(single?.properties.stage).toMatchObject({ enum: ['posting'] });
  });

  it('keeps the structural rules API Gateway can enforce', () => {
    expect(single?.properties.amount).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(single?.properties.status).toMatchObject({ enum: ['posted', 'failed', 'reversed'] });
    expect(single?.properties.paymentTerms).toMatchObject({
      additionalProperties: false,
      // number, not integer: API Gateway would refuse 30.0, which JSON.parse makes 30 for zod
      properties: { netDays: { type: 'number', minimum: 0, maximum: 3650 } },
    });
  });

  it('drops format, which API Gateway ignores, keeping the pattern that carries the rule', () => {
    expect(single?.properties.eventId).not.toHaveProperty('format');
    expect(single?.properties.occurredAt).not.toHaveProperty('format');
    expect(single?.properties.occurredAt).toHaveProperty('pattern');
  });

  it('names each stage model with letters and digits only (an API Gateway requirement)', () => {
    expect(STAGES.map(requestModelName)).toEqual([
      'InvoiceEventsIngestionRequest',
      'InvoiceEventsReconciliationRequest',
      'InvoiceEventsAuthorizationRequest',
      'InvoiceEventsPostingRequest',
    ]);
  });

  it('gives the CDK ModelOptions with the CDK spelling of $schema', () => {
    const options = requestModelFor('posting');
    expect(options).toMatchObject({ contentType: 'application/json', modelName: 'InvoiceEventsPostingRequest' });
    expect(options.schema).toHaveProperty('schema', JSON_SCHEMA_DRAFT_04);
    expect(options.schema).not.toHaveProperty('$schema');
  });
});
