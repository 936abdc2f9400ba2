import { describe, expect, it } from 'vitest';
import { parseFaultFlag } from '../../../../../local/cell/faults/index.ts';

describe('parseFaultFlag', () => {
  it('reads handler, pattern, stage and mode', () => {
    expect(parseFaultFlag('consume:^INV-13:posting')).toEqual({
      handler: 'consume',
      invoiceIdPattern: '^INV-13',
      stage: 'posting',
    });
    expect(parseFaultFlag('forward:.*:reconciliation:timeout')).toMatchObject({ mode: 'timeout' });
  });

  it.each([
    ['consume', /expected handler:pattern/],
    ['deliver:.*', /handler must be one of/],
    ['consume:.*:shipping', /stage must be one of/],
    ['consume:(:posting', /not a valid RegExp/],
    ['consume:.*:posting:explode', /mode must be one of/],
  ])('refuses %s with a clear message', (flag, message) => {
    expect(() => parseFaultFlag(flag)).toThrow(message);
  });
});
