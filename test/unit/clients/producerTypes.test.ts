import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generatedFile, renderProducerTypes } from '../../../clients/producer/generate.ts';
import { MAX_EVENTS_PER_REQUEST, STAGE_PATHS } from '../../../clients/producer/generated/openapi.ts';
import { stagePath } from '../../../schemas/apiRoutes.ts';
import { MAX_EVENTS_PER_REQUEST as CONTRACT_MAX_EVENTS } from '../../../schemas/invoiceEvent.ts';
import { openApiDocument } from '../../../schemas/openapi.ts';
import { STAGES } from '../../../schemas/stages.ts';

/** The producer client's types are generated from the OpenAPI document and must be current with it. */

type Document = Parameters<typeof renderProducerTypes>[0];
const document = () => JSON.parse(JSON.stringify(openApiDocument())) as Document;

describe('clients/producer/generated/openapi.ts', () => {
  it('is current with the OpenAPI document (if not: `npm run schemas` and commit)', async () => {
    expect(await readFile(generatedFile, 'utf8')).toBe(await renderProducerTypes(document()));
  });

  it('changes when the document does (the check can fail)', async () => {
    // Prepare: a document whose batch limit is 9
    const changed = document();
    for (const item of Object.values(changed.paths)) {
      const batch = item.post?.requestBody?.content['application/json']?.schema.anyOf?.[1];
      if (batch?.properties?.events) batch.properties.events.maxItems = 9;
    }

    // Act
    const rendered = await renderProducerTypes(changed);

    // Assess
    expect(rendered).toContain('export const MAX_EVENTS_PER_REQUEST = 9;');
    expect(rendered).not.toBe(await readFile(generatedFile, 'utf8'));
  });

  it('carries every stage path and the contract batch limit', () => {
    expect(STAGE_PATHS).toEqual(Object.fromEntries(STAGES.map((stage) => [stage, stagePath(stage)])));
    expect(MAX_EVENTS_PER_REQUEST).toBe(CONTRACT_MAX_EVENTS);
  });

  it('`npm run schemas -- --check` checks it too', async () => {
    const script = new URL('../../../clients/producer/generate.ts', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, '--check']);
    expect(stdout).toContain('Client types are up to date.');
  });
});
