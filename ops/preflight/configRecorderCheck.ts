import {
  DescribeConfigurationRecorderStatusCommand,
  DescribeConfigurationRecordersCommand,
} from '@aws-sdk/client-config-service';
import { GOVERNANCE } from '../../cells/cells.config.ts';
import { GovernanceSchema } from '../../cells/definition.ts';
import { RECORDED_RESOURCE_TYPES } from '../../cells/governance/ConfigRules.ts';
import { errorText, isAccessDenied, throwIfFatal } from './awsErrors.ts';
import { type CheckResult, pass, problem } from './checkResult.ts';
import type { PreflightContext } from './context.ts';

const ID = 'governance.config-recorder';
const TITLE = 'AWS Config recorder (governance stack)';

/** What the cells config says of the account's recorder: `existing` or `create` (governance.accounts[].configRecorder). */
export function configRecorderMode(account: string): 'existing' | 'create' {
  const governance = GovernanceSchema.parse(GOVERNANCE);
  return governance.accounts.find((a) => a.account === account)?.configRecorder ?? 'existing';
}

/**
 * AWS Config keeps one recorder per account and Region. The governance stack either uses the one
 * there (`existing`: it must exist, record, and record the types the BEMS rules evaluate) or
 * creates one (`create`: none may exist, or the deploy fails). This tells which the account has.
 */
export async function checkConfigRecorder(ctx: PreflightContext): Promise<CheckResult> {
  const mode = ctx.configRecorder ?? configRecorderMode(ctx.cell.account);
  const where = `${ctx.cell.account}/${ctx.region}`;
  let recorders: { name?: string; recordingGroup?: { allSupported?: boolean; resourceTypes?: string[] } }[];
  let recording: boolean;
  try {
    ({ ConfigurationRecorders: recorders = [] } = await ctx.clients.configService.send(
      new DescribeConfigurationRecordersCommand({}),
    ));
    const { ConfigurationRecordersStatus: statuses = [] } = await ctx.clients.configService.send(
      new DescribeConfigurationRecorderStatusCommand({}),
    );
    recording = statuses.some((s) => s.recording);
  } catch (error) {
    throwIfFatal(error, ctx);
    return problem('warn', ID, TITLE, `could not describe the Config recorders: ${errorText(error)}`, {
      meaning: `whether ${where} has a recorder is unknown; the governance stack uses an existing one or creates one (configRecorder: ${mode})`,
      fix: isAccessDenied(error)
        ? 'allow config:DescribeConfigurationRecorders and config:DescribeConfigurationRecorderStatus, and run preflight again'
        : 'run preflight again',
    });
  }
  const recorder = recorders[0];
  if (mode === 'create') {
    if (!recorder)
      return pass(ID, TITLE, `no recorder in ${where}: the governance stack creates one (configRecorder: create)`);
    return problem('fail', ID, TITLE, `recorder "${recorder.name}" already exists in ${where}`, {
      meaning:
        'AWS Config allows one recorder per account and Region: the governance stack would fail to create its own',
      fix: `set configRecorder: 'existing' for account ${ctx.cell.account} in GOVERNANCE (cells/cells.config.ts)`,
    });
  }
  if (!recorder) {
    return problem('fail', ID, TITLE, `no Config recorder in ${where} (configRecorder: existing)`, {
      meaning: 'the Config rules would never evaluate anything: nothing records the BEMS resources',
      fix: `set configRecorder: 'create' for account ${ctx.cell.account} in GOVERNANCE (cells/cells.config.ts), or set up AWS Config in ${ctx.region}`,
    });
  }
  const group = recorder.recordingGroup ?? {};
  const missing = group.allSupported
    ? []
    : RECORDED_RESOURCE_TYPES.filter((type) => !(group.resourceTypes ?? []).includes(type));
  if (!recording || missing.length) {
    return problem(
      'warn',
      ID,
      TITLE,
      `recorder "${recorder.name}" ${recording ? 'records' : 'is stopped'}${missing.length ? `; it does not record ${missing.join(', ')}` : ''}`,
      {
        meaning: 'the BEMS Config rules evaluate only what the recorder records',
        fix: recording
          ? `add ${missing.join(', ')} to the recorder's resource types`
          : `aws configservice start-configuration-recorder --configuration-recorder-name ${recorder.name}`,
      },
    );
  }
  return pass(
    ID,
    TITLE,
    `recorder "${recorder.name}" exists in ${where} and records the BEMS resource types (configRecorder: existing)`,
  );
}
