import { describe, expect, it } from 'vitest';
import type { DownstreamError } from '../../../handlers/shared/errors.ts';
import { chunksOf, type EntryAnswer, sendInCalls } from '../../../handlers/shared/sendInCalls.ts';
import { instantRetryClock } from '../../helpers/handlerTestEnv.ts';

type Failure = { code: string; kind: 'transient' | 'permanent'; message: string };
const budget = { policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 }, clock: instantRetryClock() };
const failed = (entry: string, failure: Failure | DownstreamError) => `${entry}:failed:${failure.code}`;

describe('sendInCalls', () => {
  it('resends only the entries a call answered as transient, and answers every entry in order', async () => {
    // Prepare: "b" is throttled twice, then accepted; "c" is refused for good
    const sent: string[][] = [];
    const send = async (entries: readonly string[]): Promise<EntryAnswer<string, Failure>[]> => {
      sent.push([...entries]);
      return entries.map((entry) => {
        if (entry === 'c') return { settled: 'c:refused' };
        if (entry === 'b' && sent.length < 3) return { retry: { code: 'Throttled', kind: 'transient', message: '' } };
        return { settled: `${entry}:ok` };
      });
    };

    // Act
    const results = await sendInCalls(
      chunksOf(['a', 'b', 'c', 'd'], 3),
      { service: 'S', operation: 'Op', send, failed },
      budget,
    );

    // Assess
    expect(sent).toEqual([['a', 'b', 'c'], ['b'], ['b'], ['d']]);
    expect(results).toEqual(['a:ok', 'b:ok', 'c:refused', 'd:ok']);
  });

  it('fails a whole call at once on a permanent thrown error, and after the last attempt on a transient one', async () => {
    // Prepare: the first call is denied, the second keeps timing out
    let calls = 0;
    const send = async (entries: readonly string[]): Promise<EntryAnswer<string, Failure>[]> => {
      calls += 1;
      throw Object.assign(new Error('no'), { name: entries[0] === 'a' ? 'AccessDeniedException' : 'TimeoutError' });
    };

    // Act
    const results = await sendInCalls([['a', 'b'], ['c']], { service: 'S', operation: 'Op', send, failed }, budget);

    // Assess
    expect(results).toEqual([
      'a:failed:AccessDeniedException',
      'b:failed:AccessDeniedException',
      'c:failed:TimeoutError',
    ]);
    expect(calls).toBe(1 + budget.policy.maxAttempts);
  });
});
