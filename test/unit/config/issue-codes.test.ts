// Each problem the checks find names its kind (`code`) and the values a page needs to say it in its own
// language (`params`); the English message stays for logs. Pages translate by code (ui-shared/issue-text.ts),
// so each code the checks give must be in both catalogues.

import { expect } from 'chai';
import { z } from 'zod';
import { checkSetup, loadConfig, zodIssueCode } from '../../../config/schema.js';
import { catalogues } from '../../../ui-shared/i18n/index.js';

const codeOf = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a failure');
  return zodIssueCode(r.error.issues[0]!);
};

describe('config issue codes', () => {
  it("gives zod's failures a code with origin and the bound", () => {
    const n = z.strictObject({ a: z.number().int().min(1).max(480) });
    expect(codeOf(n, { a: 0 })).to.deep.equal({ code: 'too_small.number', params: { minimum: 1 } });
    expect(codeOf(n, { a: 481 })).to.deep.equal({ code: 'too_big.number', params: { maximum: 480 } });
    expect(codeOf(n, { a: null })).to.deep.equal({ code: 'invalid_type.number' });
    expect(codeOf(n, {})).to.deep.equal({ code: 'required' });
    expect(codeOf(n, { a: 1.5 })).to.deep.equal({ code: 'invalid_type.int' });
    expect(codeOf(n, { a: 1, b: 2 })).to.deep.equal({ code: 'unknown_key' });
    expect(codeOf(z.string().min(2), 'x')).to.deep.equal({ code: 'too_small.string', params: { minimum: 2 } });
    expect(codeOf(z.enum(['fifo', 'weighted']), 'x')).to.deep.equal({ code: 'invalid_value', params: { values: 'fifo / weighted' } });
    expect(codeOf(z.string().regex(/^\d+$/), 'x')).to.deep.equal({ code: 'invalid_format' });
  });

  it("gives the hall's own checks a code and the values to word them", () => {
    const setup = structuredClone(loadConfig().setup);
    setup.windows[1]!.number = setup.windows[0]!.number;
    setup.sections[0]!.services[0]!.promisedLimitDays = setup.sections[0]!.services[0]!.legalLimitDays + 1;
    setup.calendar.workdays = [...setup.calendar.workdays, '2026-12-02'];
    const r = checkSetup(setup);
    if (r.ok) throw new Error('expected issues');
    const codes = r.issues.map((i) => ({ code: i.code, params: i.params }));
    expect(codes).to.deep.include({ code: 'duplicate', params: { value: String(setup.windows[0]!.number) } });
    expect(codes).to.deep.include({ code: 'promised_over_legal', params: { legal: setup.sections[0]!.services[0]!.legalLimitDays } });
    expect(codes).to.deep.include({ code: 'workday_is_weekday', params: { date: '2026-12-02' } });
  });

  it('has every code the checks give in both catalogues', () => {
    const source = [
      'duplicate', 'close_after_open', 'one_per_entry', 'promised_over_legal', 'end_after_start', 'slot_outside_hours', 'slot_overlap',
      'unknown_section', 'weights_need_weighted', 'weight_not_served', 'section_unserved', 'workday_is_holiday', 'workday_is_weekday',
      'unknown_window', 'staff_no_taken', 'required', 'unknown_key', 'invalid_format', 'invalid_value',
      'too_small.number', 'too_big.number', 'too_small.string', 'too_big.string', 'too_small.array', 'too_big.array',
      'invalid_type.number', 'invalid_type.int', 'invalid_type.string', 'invalid_type.boolean',
    ];
    for (const code of source) {
      for (const [lang, cat] of Object.entries(catalogues)) expect((cat as Record<string, string>)[`issue.${code}`], `${lang} issue.${code}`).to.be.a('string');
    }
  });
});
