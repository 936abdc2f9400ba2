import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import { type SynthesizedCells, synthCells } from './support/synthCells.ts';
import { resourcesOf } from './support/templateQueries.ts';

/**
 * The real build, as `npm run synth` does it: local esbuild (no Docker), ESM for Node 24 on arm64,
 * one bundle per handler entry point. One cell is enough; bundles are shared between cells.
 */
const cell = awsCells().find((c) => c.id === 'use1-a')!;
let synth: SynthesizedCells;

beforeAll(() => {
  synth = synthCells([cell], { bundle: true });
}, 240_000);
afterAll(() => synth?.cleanUp());

const entryMarkers: Record<string, string> = {
  ingest: 'EVENT_BUS_NAME',
  forward: 'STAGE_TOPIC_ARNS',
  'consume-posting-recorder': 'CONSUMER_NAME',
  monitor: 'CELL_TOPOLOGY',
};

describe.each(Object.entries(entryMarkers))('the %s function', (name, marker) => {
  function bundle() {
    const functions = [...resourcesOf(synth.templates.get(cell.id)!, 'AWS::Lambda::Function').values()];
    const fn = functions.find((f) => f.Properties.FunctionName === `bems-${cell.id}-${name}`)!;
    // The S3 key is the asset hash; the staged bundle sits next to the templates as asset.<hash>.
    const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
    return { fn, file: path.join(synth.assembly.directory, `asset.${hash}`, 'index.mjs') };
  }

  it('is a bundled ESM asset for nodejs24.x on arm64, not inline code', () => {
    const { fn, file } = bundle();
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
    expect(fn.Properties.Code.ZipFile).toBeUndefined();
    expect(fn.Properties.Code.S3Key).toMatch(/\.zip$/);
    expect(existsSync(file)).toBe(true);
  });

  it(`bundles handlers/${name.split('-')[0]}.ts with a require() shim for CommonJS dependencies`, () => {
    const source = readFileSync(bundle().file, 'utf8');
    expect(source.startsWith("import { createRequire } from 'node:module';")).toBe(true);
    expect(source).toContain(marker);
  });

  it("traces with OpenTelemetry over UDP, and holds neither the X-Ray SDK nor the SDK's default credential chain", () => {
    const source = readFileSync(bundle().file, 'utf8');
    expect(source).toContain('{"format":"json","version":1}');
    // Strings only the X-Ray SDK and the credential-provider-node chain carry.
    expect(source).not.toContain('AWS_XRAY_CONTEXT_MISSING');
    expect(source).not.toContain('defaultProvider::fromSSO');
    expect(source).toContain('the Lambda bundle resolves only these');
    // @smithy/core/event-streams, aliased to handlers/shared/lambdaEventStreams.ts.
    expect(source).toContain('event streams are not in the Lambda bundles');
  });

  it('holds neither all of zod nor an Intl.DisplayNames built at load (cold-start weight, docs/PERFORMANCE.md)', () => {
    const source = readFileSync(bundle().file, 'utf8');
    // A message of zod's German locale: only `import { z } from 'zod'` (every locale) brings it in.
    expect(source).not.toContain('ltige Eingabe');
    // Country codes come from schemas/generated/country-codes.json, not from ICU's region names.
    expect(source).not.toContain('DisplayNames');
  });

  it('holds no schema of an SDK operation it does not call (cells/constructs/lambdaBundling.ts)', () => {
    const source = readFileSync(bundle().file, 'utf8');
    // Only the monitor has the S3 client (GetObject, PutObject, ListObjectsV2, DeleteObject).
    if (name === 'monitor') expect(source).toContain('ListObjectsV2');
    expect(source).not.toContain('PutBucketLifecycleConfiguration');
    expect(source).not.toContain('SelectObjectContent');
  });

  it('loads as an ES module that exports handler, without any environment', async () => {
    const module = await import(pathToFileURL(bundle().file).href);
    expect(typeof module.handler).toBe('function');
  });
});
