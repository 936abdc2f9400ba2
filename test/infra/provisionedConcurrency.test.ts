import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import { type SynthesizedCells, synthCells } from './support/synthCells.ts';
import { byName, logicalIdOf, resourcesOf } from './support/templateQueries.ts';

/**
 * Provisioned concurrency in the CDK: a `live` alias on a published version holds it, and API Gateway
 * invokes that alias (invoking the function itself would run on `$LATEST` and never use the warm
 * instances). The example config keeps five ingest instances warm in euw1-a and none elsewhere.
 */
const cells = awsCells();
const [withPc, without] = [cells.find((c) => c.id === 'euw1-a')!, cells.find((c) => c.id === 'use1-a')!];
let synth: SynthesizedCells;

beforeAll(() => {
  synth = synthCells([withPc, without]);
});
afterAll(() => synth?.cleanUp());

describe('provisioned concurrency', () => {
  it('puts the configured instances on a live alias of the ingest function', () => {
    const template = synth.templates.get(withPc.id)!;
    const [ingestId] = byName(template, 'AWS::Lambda::Function', 'FunctionName', `bems-${withPc.id}-ingest`);
    const aliases = [...resourcesOf(template, 'AWS::Lambda::Alias').values()];

    expect(aliases).toHaveLength(1);
    expect(aliases[0]!.Properties).toMatchObject({
      Name: 'live',
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: withPc.provisionedConcurrency.ingest },
    });
    expect(logicalIdOf(aliases[0]!.Properties.FunctionName)).toBe(ingestId);
  });

  it('has API Gateway invoke the alias, not $LATEST', () => {
    const template = synth.templates.get(withPc.id)!;
    const [aliasId] = [...resourcesOf(template, 'AWS::Lambda::Alias').keys()];
    const posts = [...resourcesOf(template, 'AWS::ApiGateway::Method').values()].filter(
      (m) => m.Properties.HttpMethod === 'POST' && m.Properties.Integration?.Type === 'AWS_PROXY',
    );
    const permissions = [...resourcesOf(template, 'AWS::Lambda::Permission').values()].filter(
      (p) => p.Properties.Principal === 'apigateway.amazonaws.com',
    );

    expect(posts.length).toBeGreaterThan(0);
    for (const post of posts) expect(JSON.stringify(post.Properties.Integration.Uri)).toContain(aliasId);
    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions) expect(logicalIdOf(permission.Properties.FunctionName)).toBe(aliasId);
  });

  it('creates no alias for a cell without provisioned concurrency', () => {
    expect(resourcesOf(synth.templates.get(without.id)!, 'AWS::Lambda::Alias').size).toBe(0);
  });
});
