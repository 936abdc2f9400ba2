import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { requestLogger } from '../../../handlers/shared/observability.ts';

describe('requestLogger', () => {
  it('adds the invocation keys to every entry, drops undefined keys and puts an Error under `error`', () => {
    // Prepare
    const logger = new Logger({ serviceName: 'test', logLevel: 'DEBUG' });
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const boom = new Error('boom');

    // Act
    const log = requestLogger(logger, { requestId: 'req-7', consumer: undefined });
    log.info('events accepted', { events: 3 });
    log.error('unexpected error', boom);

    // Assess
    expect(info).toHaveBeenCalledWith('events accepted', { requestId: 'req-7' }, { events: 3 });
    expect(error).toHaveBeenCalledWith('unexpected error', { requestId: 'req-7' }, { error: boom });
  });

  it('keeps concurrent invocations apart (no keys shared through the logger)', () => {
    const logger = new Logger({ serviceName: 'test' });
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

    const first = requestLogger(logger, { requestId: 'a' });
    const second = requestLogger(logger, { requestId: 'b' });
    first.warn('one');
    second.warn('two');
    first.warn('three');

    expect(warn.mock.calls.map(([message, keys]) => [message, (keys as { requestId: string }).requestId])).toEqual([
      ['one', 'a'],
      ['two', 'b'],
      ['three', 'a'],
    ]);
  });
});
