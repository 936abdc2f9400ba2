import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { AWS_CELLS, awsCells, LOCAL_CELL, localCell } from '../../cells/cells.config.ts';
import { CellFunction, SKIP_BUNDLING_CONTEXT } from '../../cells/constructs/CellFunction.ts';
import { CellDefinitionError, parseCellDefinition, parseCellDefinitions } from '../../cells/definition.ts';
import { assertDeployable } from '../../cells/deployable.ts';
import { MonitorTopologySchema, monitorTopologyOf, queueUrl } from '../../cells/monitorTopology.ts';
import { cellTopology } from '../../cells/topology.ts';

/** What the CDK app refuses before it synthesizes anything, and the monitor's view of a cell. */
describe('an AWS cell definition', () => {
  it('ships at least two example cells in two Regions', () => {
    const cells = awsCells();
    expect(cells.length).toBeGreaterThanOrEqual(2);
    expect(new Set(cells.map((c) => c.region)).size).toBeGreaterThanOrEqual(2);
    for (const cell of cells) expect(() => assertDeployable(cell)).not.toThrow();
  });

  it('defaults the cell API limits for the 60,000 events/min surge', () => {
    const cell = parseCellDefinition({
      id: 'x',
      account: '123456789012',
      region: 'eu-west-1',
      apiClients: [{ name: 'a' }],
    });
    expect(cell.api).toEqual({
      rateLimit: 2500,
      burstLimit: 5000,
      wafRequestsPerMinutePerIp: 150_000,
      idempotencyWindowHours: 24,
    });
    expect(cell.api.rateLimit * 60).toBeGreaterThanOrEqual(60_000);
  });

  it('refuses an idempotency window outside 1 hour to 30 days, naming the field', () => {
    const cell = (hours: number) => ({
      id: 'x',
      account: '123456789012',
      region: 'eu-west-1',
      apiClients: [{ name: 'a' }],
      api: { idempotencyWindowHours: hours },
    });
    expect(parseCellDefinition(cell(72)).api.idempotencyWindowHours).toBe(72);
    for (const hours of [0, 721, 1.5]) {
      expect(() => parseCellDefinition(cell(hours))).toThrow(/cell "x": api\.idempotencyWindowHours: /);
    }
  });

  it('reports every reason a cell cannot be deployed in one error', () => {
    const cell = parseCellDefinition({
      ...LOCAL_CELL,
      stages: { posting: { inbox: { visibilityTimeoutSeconds: 10 } } },
    });
    let error: unknown;
    try {
      assertDeployable(cell);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CellDefinitionError);
    const problems = (error as CellDefinitionError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/account 000000000000 is the local cell's/);
    expect(problems[1]).toMatch(/apiClients\.dev\.localKey: AWS cells let API Gateway generate keys/);
    expect(problems[2]).toMatch(/bems-local-posting-inbox: visibilityTimeoutSeconds 10 is too short; .* at least 18/);
  });

  it('refuses two cells answering for one domain in the same Region', () => {
    const [euw1] = AWS_CELLS;
    expect(() => parseCellDefinitions([euw1!, { ...euw1!, id: 'euw1-b' }])).toThrow(
      /more than one cell serves domain invoices\.example\.com in eu-west-1/,
    );
  });
});

describe('a cell function', () => {
  it('refuses an environment Lambda would reject (over 4 KB)', () => {
    const app = new App({ context: { [SKIP_BUNDLING_CONTEXT]: true } });
    const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const encryptionKey = new kms.Key(stack, 'Key');
    const props = {
      plan: {
        key: 'monitor',
        handler: 'monitor' as const,
        functionName: 'bems-x-monitor',
        description: 'test',
        eventSources: [],
        timeoutSeconds: 10,
        memoryMiB: 256,
      },
      encryptionKey,
    };
    expect(() => new CellFunction(stack, 'Small', { ...props, environment: { A: 'x'.repeat(3000) } })).not.toThrow();
    expect(() => new CellFunction(stack, 'Large', { ...props, environment: { A: 'x'.repeat(4100) } })).toThrow(
      /environment of bems-x-monitor would take about 4101 bytes; Lambda allows 4096/,
    );
  });
});

describe('the monitor topology', () => {
  it('describes every queue and DLQ with its SLA and receive budget, and rebuilds queue URLs', () => {
    const cell = awsCells()[0]!;
    const prefix = `https://sqs.${cell.region}.amazonaws.com/${cell.account}/`;
    const topology = MonitorTopologySchema.parse(
      JSON.parse(JSON.stringify(monitorTopologyOf(cellTopology(cell), prefix))),
    );
    const authorization = topology.stages.find((s) => s.stage === 'authorization')!;
    expect(authorization.consumers.map((c) => c.consumer)).toEqual(['recorder', 'escalations']);
    expect(authorization.slaSeconds).toBe(cell.stages.authorization.slaSeconds);
    expect(authorization.inbox).toEqual({
      name: 'bems-euw1-a-authorization-inbox',
      dlqName: 'bems-euw1-a-authorization-inbox-dlq',
      fifo: false,
      maxReceiveCount: 5,
    });
    expect(queueUrl(topology, authorization.consumers[1]!.queue.dlqName)).toBe(
      'https://sqs.eu-west-1.amazonaws.com/111111111111/bems-euw1-a-authorization-escalations-dlq.fifo',
    );
  });

  it('fits the monitor environment of the local cell as well', () => {
    const topology = monitorTopologyOf(cellTopology(localCell()), 'http://127.0.0.1:4566/000000000000/');
    expect(JSON.stringify(topology).length).toBeLessThan(3000);
  });
});
