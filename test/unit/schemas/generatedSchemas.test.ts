import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import { App, Stack } from 'aws-cdk-lib';
import { type CfnModel, Model, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { describe, expect, it } from 'vitest';
import {
  API_GATEWAY_KEYWORDS,
  JSON_SCHEMA_DRAFT_04,
  renderRequestModel,
  requestModelFor,
} from '../../../schemas/requestModel.ts';
import { STAGES, type Stage } from '../../../schemas/stages.ts';
import { validEventFixtures } from '../../helpers/eventFixtures.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';

const generatedDir = new URL('../../../schemas/generated/', import.meta.url);

function committedText(stage: Stage): string {
  return readFileSync(new URL(`${stage}.json`, generatedDir), 'utf8');
}

function committedModel(stage: Stage): Record<string, unknown> {
  return JSON.parse(committedText(stage));
}

/** Every schema keyword in `schema` with its JSON pointer (property names are not keywords). */
function keywordsOf(schema: unknown, where = '#'): { keyword: string; where: string }[] {
  if (Array.isArray(schema)) return schema.flatMap((entry, index) => keywordsOf(entry, `${where}/${index}`));
  if (typeof schema !== 'object' || schema === null) return [];
  return Object.entries(schema).flatMap(([keyword, value]) => {
    const here = { keyword, where };
    if (keyword === 'enum' || keyword === 'required' || keyword === 'default') return [here];
    if (keyword === 'properties') {
      return [
        here,
        ...Object.entries(value as object).flatMap(([name, sub]) => keywordsOf(sub, `${where}/properties/${name}`)),
      ];
    }
    return [here, ...keywordsOf(value, `${where}/${keyword}`)];
  });
}

/** The committed model as API Gateway would apply it (ajv stands in for its draft-04 validator). */
function validatorFor(stage: Stage): ValidateFunction {
  // ajv 8 has no draft-04 meta-schema; the keywords we emit mean the same in draft-07.
  const { $schema: _draft04, ...schema } = committedModel(stage);
  return new Ajv({ allErrors: true, strict: true }).compile(schema);
}

describe('generated API Gateway request models (schemas/generated)', () => {
  it.each(STAGES)('%s.json is current with the zod contract (if not: `npm run schemas` and commit)', (stage) => {
    expect(committedText(stage)).toBe(renderRequestModel(stage));
  });

  it('holds exactly one file per stage', () => {
    expect(readdirSync(generatedDir).sort()).toEqual(STAGES.map((stage) => `${stage}.json`).sort());
  });

  it.each(STAGES)('%s.json is draft-04 with only keywords API Gateway enforces (no format, no $ref)', (stage) => {
    const model = committedModel(stage);
    const keywords = keywordsOf(model);
    expect(model.$schema).toBe(JSON_SCHEMA_DRAFT_04);
    expect(keywords.filter(({ keyword }) => keyword === '$schema').map(({ where }) => where)).toEqual(['#']);
    expect(keywords.filter(({ keyword }) => !API_GATEWAY_KEYWORDS.has(keyword))).toEqual([]);
    expect(keywords.map(({ keyword }) => keyword)).not.toContain('format');
  });

  it.each(STAGES)('%s.json accepts every valid fixture of its stage', (stage) => {
    const validate = validatorFor(stage);
    for (const fixture of validEventFixtures('v1').filter((f) => f.stage === stage)) {
      expect(validate(fixture.body), `${fixture.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('accepts a body without stage, and a batch of 10 whose events omit it', () => {
    const validate = validatorFor('posting');
    const { stage: _omitted, ...event } = buildInvoiceEvent('posting');
    const events = Array.from({ length: 10 }, () => {
      const { stage: _stage, ...rest } = buildInvoiceEvent('posting');
      return rest;
    });
    expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ events }), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects what API Gateway can check: another stage, unknown fields, missing fields, numbers for amounts, 11 events', () => {
    // Prepare
    const validate = validatorFor('posting');
    const event = buildInvoiceEvent('posting');
    const { eventId: _missing, ...withoutEventId } = event;
    const bodies = {
      otherStage: { ...event, stage: 'ingestion' },
      unknownField: { ...event, note: 'x' },
      unknownNestedField: { ...event, vendor: { ...event.vendor, iban: 'DE89' } },
      missingEventId: withoutEventId,
      amountAsNumber: { ...event, amount: 1250 },
      elevenEvents: { events: Array.from({ length: 11 }, () => buildInvoiceEvent('posting')) },
      emptyBatch: { events: [] },
      batchWithStage: { stage: 'posting', events: [event] },
    };
    // Act + Assess
    for (const [name, body] of Object.entries(bodies)) {
      expect(validate(body), name).toBe(false);
    }
  });

  it.each(STAGES)(
    'requestModelFor(%s) gives the CDK a Model whose CloudFormation schema is the committed file',
    (stage) => {
      // Prepare
      const stack = new Stack(new App(), 'RequestModelTest');
      const restApi = RestApi.fromRestApiId(stack, 'Api', 'abc123');
      // Act
      const model = new Model(stack, 'RequestModel', { restApi, ...requestModelFor(stage) });
      // Assess: the L1 resource's properties as they go into the template (no full synth: it costs ~10 s)
      const resource = model.node.defaultChild as CfnModel;
      expect(resource.contentType).toBe('application/json');
      expect(resource.name).toMatch(/^[A-Za-z0-9]+$/);
      expect(stack.resolve(resource.schema)).toEqual(committedModel(stage));
    },
  );

  it('`npm run schemas -- --check` passes while the committed files are current', async () => {
    const script = new URL('../../../schemas/generate.ts', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, '--check']);
    expect(stdout).toContain('up to date');
  });
});
