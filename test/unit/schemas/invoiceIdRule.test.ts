import { describe, expect, it } from 'vitest';
import { INVOICE_ID_PATTERN, INVOICE_ID_RULE } from '../../../schemas/invoiceEvent.ts';

/** The words every invoice-id error uses say exactly what the pattern accepts (issue 19: "/" was said to be allowed). */
describe('the invoice id rule', () => {
  const listed = /letters, digits and ([^(]+)\(/.exec(INVOICE_ID_RULE)![1]!.trim().split(/\s+/);
  const punctuation = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];

  it('lists every punctuation mark the pattern accepts, and only those', () => {
    const accepted = punctuation.filter((mark) => INVOICE_ID_PATTERN.test(`INV${mark}1`));
    expect(accepted.sort()).toEqual([...listed].sort());
    expect(INVOICE_ID_PATTERN.test('INV/1')).toBe(false);
  });

  it('states the length and the first character as the pattern enforces them', () => {
    const [, min, max] = /must be (\d+)-(\d+) characters/.exec(INVOICE_ID_RULE)!;
    expect(INVOICE_ID_PATTERN.test('A'.repeat(Number(min)))).toBe(true);
    expect(INVOICE_ID_PATTERN.test('A'.repeat(Number(max)))).toBe(true);
    expect(INVOICE_ID_PATTERN.test('A'.repeat(Number(max) + 1))).toBe(false);
    expect(INVOICE_ID_RULE).toContain('starting with a letter or digit');
    expect(INVOICE_ID_PATTERN.test('-INV')).toBe(false);
  });
});
