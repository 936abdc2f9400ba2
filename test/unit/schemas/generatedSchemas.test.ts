import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import { App, Stack } from 'aws-cdk-lib';
import { type CfnModel, Model, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { describe, expect, it } from 'vitest';
import { CLI_OUTPUT_SCHEMAS } from '../../../schemas/cliOutput.ts';
import { generatedFiles, syncGenerated } from '../../../schemas/generate.ts';
import { API_GATEWAY_KEYWORDS, JSON_SCHEMA_DRAFT_04, requestModelFor } from '../../../schemas/requestModel.ts';
import { STAGES, type Stage } from '../../../schemas/stages.ts';
import { validEventFixtures } from '../../helpers/eventFixtures.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';

const generatedDir = new URL('../../../schemas/generated/', import.meta.url);

function committedText(stage: Stage): string {
  return readFileSync(new URL(`api-gateway/${stage}.json`, generatedDir), 'utf8');
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

describe('generated API Gateway request models (schemas/generated/api-gateway)', () => {
  it('holds the OpenAPI document, one published schema per stage, one API Gateway model per stage, the CLI documents and the country codes, nothing else', () => {
    const files = readdirSync(generatedDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(fileURLToPath(generatedDir), path.join(entry.parentPath, entry.name)));
    expect(files.sort()).toEqual([...generatedFiles().keys()].sort());
    expect([...generatedFiles().keys()]).toEqual([
      'openapi.json',
      'country-codes.json',
      ...STAGES.map((stage) => `${stage}.schema.json`),
      ...STAGES.map((stage) => `api-gateway/${stage}.json`),
      ...Object.keys(CLI_OUTPUT_SCHEMAS).map((name) => `cli/${name}.schema.json`),
    ]);
  });

  it.each([...generatedFiles().keys()])(
    '%s is current with the zod contract (if not: `npm run schemas` and commit)',
    (name) => {
      expect(readFileSync(new URL(name, generatedDir), 'utf8')).toBe(generatedFiles().get(name)!());
    },
  );

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

  it('the check reports a stale or missing file by name, and regenerating makes it current', async () => {
    // Prepare: a copy of schemas/generated/ (the committed one stays untouched) with two files off
    const copy = mkdtempSync(path.join(tmpdir(), 'bems-generated-'));
    const dir = pathToFileURL(`${copy}/`);
    try {
      cpSync(fileURLToPath(generatedDir), copy, { recursive: true });
      writeFileSync(path.join(copy, 'openapi.json'), '{}\n');
      rmSync(path.join(copy, 'posting.schema.json'));
      // Act
      const stale = await syncGenerated(dir, true);
      const written = await syncGenerated(dir, false);
      const after = await syncGenerated(dir, true);
      // Assess
      expect(stale.sort()).toEqual(['openapi.json', 'posting.schema.json']);
      expect(written.sort()).toEqual(stale);
      expect(after).toEqual([]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
