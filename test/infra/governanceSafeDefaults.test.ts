import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import { CELL_DEFAULTS } from '../../cells/constructs/defaults.ts';
import { cellDomainName } from '../../cells/constructs/LatencyRouting.ts';
import { standardQueueRetentionDays } from '../../cells/constructs/QueueWithDlq.ts';
import { CellDefinitionError, parseCellDefinitions } from '../../cells/definition.ts';
import { cellTopology } from '../../cells/topology.ts';
import { GAME_DAY_ENV } from '../../schemas/functionEnvironment.ts';
import { type SynthesizedCells, synthCells } from './support/synthCells.ts';
import { byName, resourcesOf, statementsOfRole } from './support/templateQueries.ts';

/**
 * Safe defaults found in review (issue 16, item 5): fault injection only where a cell opts in to
 * game days, no default execute-api endpoint behind a custom domain, and standard queues that
 * expire messages before their DLQ does.
 */
let synth: SynthesizedCells;
const cells = awsCells();
const template = (cellId: string): Template => synth.templates.get(cellId)!;

beforeAll(() => {
  synth = synthCells(cells);
});
afterAll(() => synth?.cleanUp());

describe.each(cells.map((cell) => [cell.id, cell] as const))('cell %s', (cellId, cell) => {
  it(`has the FIS extension on its consumers only if it opted in to game days (${cell.gameDays.enabled})`, () => {
    const t = template(cellId);
    const consumers = [...resourcesOf(t, 'AWS::Lambda::Function').values()].filter((f) =>
      (f.Properties.FunctionName as string).includes('-consume-'),
    );
    expect(consumers.length).toBeGreaterThan(0);
    for (const fn of consumers) {
      const variables = fn.Properties.Environment?.Variables ?? {};
      expect(GAME_DAY_ENV.execWrapper in variables).toBe(cell.gameDays.enabled);
      expect(GAME_DAY_ENV.fisConfigurationLocation in variables).toBe(cell.gameDays.enabled);
      expect((fn.Properties.Layers ?? []).length > 0).toBe(cell.gameDays.enabled);
      const statements = statementsOfRole(t, fn.Properties.Role['Fn::GetAtt'][0]);
      expect(statements.some((s) => s.Sid === 'ReadFisConfigurations')).toBe(cell.gameDays.enabled);
    }
    expect(resourcesOf(t, 'AWS::FIS::ExperimentTemplate').size > 0).toBe(cell.gameDays.enabled);
  });

  it('turns the default execute-api endpoint off when a custom domain serves it, and checks health at its own name', () => {
    const t = template(cellId);
    const [api] = [...resourcesOf(t, 'AWS::ApiGateway::RestApi').values()];
    expect(api!.Properties.DisableExecuteApiEndpoint === true).toBe(cell.domain !== undefined);
    if (!cell.domain) return;
    const own = cellDomainName(cellId, cell.domain.name);
    t.hasResourceProperties('AWS::ApiGateway::DomainName', { DomainName: own, SecurityPolicy: 'TLS_1_2' });
    t.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: own, ResourcePath: '/health' },
    });
    // The CLI finds the cell at its own name, not at the endpoint that no longer answers.
    const url = synth.stacks.get(cellId)!.outputs.published.get('api/url');
    expect(url).toBe(`https://${own}/`);
  });

  it('keeps an inbox message shorter than its DLQ does, so a message in the DLQ stays there a week at least', () => {
    const t = template(cellId);
    for (const stage of cellTopology(cell).stages) {
      const [, inbox] = byName(t, 'AWS::SQS::Queue', 'QueueName', stage.inbox.name);
      const [, dlq] = byName(t, 'AWS::SQS::Queue', 'QueueName', stage.inbox.dlqName);
      const hold = dlq.Properties.MessageRetentionPeriod - inbox.Properties.MessageRetentionPeriod;
      expect(hold).toBeGreaterThanOrEqual(CELL_DEFAULTS.minDlqHold.toSeconds());
    }
  });
});

describe('queue retention defaults', () => {
  it('refuse an inbox DLQ retention that leaves no time in the DLQ, with the field path', () => {
    expect(() =>
      parseCellDefinitions([
        {
          id: 'x',
          account: '111111111111',
          region: 'eu-west-1',
          apiClients: [{ name: 'a' }],
          stages: { posting: { inbox: { dlqRetentionDays: 7 } } },
        },
      ]),
    ).toThrow(CellDefinitionError);
    expect(() => standardQueueRetentionDays(7)).toThrow('at least 8 days');
    expect(standardQueueRetentionDays(14)).toBe(7);
  });
});
