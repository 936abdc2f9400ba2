import {
  DescribeConfigurationRecorderStatusCommand,
  DescribeConfigurationRecordersCommand,
} from '@aws-sdk/client-config-service';
import { describe, expect, it } from 'vitest';
import { configRecorderMode } from '../../../ops/preflight/index.ts';
import { awsError, check, configService, report, useReadyAccount } from './support/preflightAccount.ts';

/** `bems preflight` tells whether the account has the Config recorder the governance stack expects. */
useReadyAccount();

describe('bems preflight: the AWS Config recorder', () => {
  it('passes when the recorder the config expects (existing) records everything', async () => {
    const { code, report: r } = await report();
    expect(configRecorderMode('111111111111')).toBe('existing');
    expect(code).toBe(0);
    expect(check(r, 'governance.config-recorder')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('"default" exists'),
    });
  });

  it('fails when the config says existing but the Region has none, and says how to fix it', async () => {
    configService.on(DescribeConfigurationRecordersCommand).resolves({ ConfigurationRecorders: [] });
    configService.on(DescribeConfigurationRecorderStatusCommand).resolves({ ConfigurationRecordersStatus: [] });
    const { code, report: r } = await report();
    expect(code).not.toBe(0);
    expect(check(r, 'governance.config-recorder')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining("configRecorder: 'create'"),
    });
  });

  it('warns when the existing recorder is stopped or misses BEMS resource types', async () => {
    configService.on(DescribeConfigurationRecordersCommand).resolves({
      ConfigurationRecorders: [
        { name: 'default', recordingGroup: { allSupported: false, resourceTypes: ['AWS::SQS::Queue'] } },
      ],
    });
    const { report: r } = await report();
    expect(check(r, 'governance.config-recorder')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('does not record AWS::SNS::Topic'),
    });
  });

  it('only warns when the recorders cannot be described', async () => {
    configService.on(DescribeConfigurationRecordersCommand).rejects(awsError('AccessDeniedException', 'not allowed'));
    const { report: r } = await report();
    expect(check(r, 'governance.config-recorder')).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('config:Describe'),
    });
  });
});
