import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaultFlag } from '../../local/cell/faults/index.ts';

/** The fault-injection hooks the scenarios rely on (local/cell/faults): transient faults and runtime rules. */
describe('local cell fault rules', () => {
  const target = { handler: 'consume', stage: 'posting', consumer: 'recorder', invoiceId: 'CRASH-1' } as const;

  it('fires a transient rule only while the receive count is within failReceives', () => {
    // Prepare
    const faults = new FaultInjector([
      { handler: 'consume', invoiceIdPattern: '^CRASH-', mode: 'crash', failReceives: 2 },
    ]);

    // Act
    const modes = [1, 2, 3, 4].map((receiveCount) => faults.match({ ...target, receiveCount }));

    // Assess
    expect(modes).toEqual(['crash', 'crash', undefined, undefined]);
  });

  it('fires a rule without failReceives on every receive', () => {
    const faults = new FaultInjector([{ handler: 'consume', invoiceIdPattern: '^CRASH-' }]);
    expect([1, 5, 50].map((receiveCount) => faults.match({ ...target, receiveCount }))).toEqual([
      'error',
      'error',
      'error',
    ]);
  });

  it('replaces its rules at runtime, and keeps them when the new ones are invalid', () => {
    // Prepare
    const faults = new FaultInjector([{ handler: 'consume', invoiceIdPattern: '^CRASH-', mode: 'timeout' }]);

    // Act
    const invalid = () => faults.setRules([{ handler: 'consume', invoiceIdPattern: '(', mode: 'crash' }]);

    // Assess
    expect(invalid).toThrow(/not a valid RegExp/);
    expect(faults.match(target)).toBe('timeout');
    faults.setRules([]);
    expect(faults.match(target)).toBeUndefined();
    expect(faults.size).toBe(0);
  });

  it('refuses a failReceives that is not a whole number from 1', () => {
    for (const failReceives of [0, -1, 1.5])
      expect(() => new FaultInjector([{ handler: 'forward', invoiceIdPattern: '.', failReceives }])).toThrow(
        /failReceives must be a whole number/,
      );
  });

  it('accepts the crash mode on the command line', () => {
    expect(parseFaultFlag('ingest:^RETRY-:posting:crash')).toEqual({
      handler: 'ingest',
      invoiceIdPattern: '^RETRY-',
      stage: 'posting',
      mode: 'crash',
    });
  });
});
