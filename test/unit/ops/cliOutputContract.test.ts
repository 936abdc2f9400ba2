import { expect, it } from 'vitest';
import { CONDITION_KINDS } from '../../../handlers/monitor/MonitorState.ts';
import { ALERT_CONDITION_KINDS } from '../../../schemas/cliOutput.ts';

it('the status document lists the monitor condition kinds the monitor stores', () => {
  expect([...ALERT_CONDITION_KINDS]).toEqual([...CONDITION_KINDS]);
});
