import { expect } from 'chai';
import { loadConfig, type HallConfig } from '../../../config/schema.js';

describe('the shipped demo hall configuration', () => {
  let cfg: HallConfig;
  before(() => {
    cfg = loadConfig();
  });

  it('loads without a single problem', () => {
    expect(cfg.hall.name).to.be.a('string').and.not.equal('');
    expect(cfg.hall.nameEn).to.be.a('string').and.not.equal('');
  });

  it('has the seven business sections of a reformed city hall, each with its own prefix letter', () => {
    expect(cfg.setup.sections.map((s) => s.name)).to.deep.equal([
      '建设项目审批',
      '企业开办',
      '不动产登记',
      '非常驻单位委托授权',
      '税务',
      '社保',
      '住房公积金',
    ]);
    const prefixes = cfg.setup.sections.map((s) => s.prefix);
    expect(new Set(prefixes).size).to.equal(7);
    for (const s of cfg.setup.sections) expect(s.nameEn, s.id).to.be.a('string').and.not.equal('');
  });

  it('gives every section three to five services', () => {
    for (const s of cfg.setup.sections) expect(s.services.length, s.name).to.be.within(3, 5);
  });

  it('lists the real services named for company registration and real-estate registration', () => {
    const names = (id: string) => cfg.setup.sections.find((s) => s.id === id)!.services.map((v) => v.name);
    expect(names('company')).to.include.members(['企业设立登记', '企业变更登记', '印章刻制备案', '银行开户预约']);
    expect(names('property')).to.include.members(['二手房转移登记', '抵押登记', '不动产权证补证']);
  });

  it('publishes the complete seven-item guide for every service', () => {
    for (const s of cfg.setup.sections) {
      for (const v of s.services) {
        const at = `${s.name}/${v.name}`;
        expect(v.nameEn, at).to.be.a('string').and.not.equal('');
        expect(v.summary.length, at).to.be.greaterThan(10);
        expect(v.basis, at).to.not.be.empty;
        for (const b of v.basis) expect(b, `${at} basis`).to.match(/《[^》]+》/);
        expect(v.conditions, at).to.not.be.empty;
        expect(v.materials.some((m) => m.required), `${at} has a required material`).to.equal(true);
        for (const m of v.materials) expect(m.copies, at).to.be.at.least(1);
        expect(v.procedure.length, at).to.be.at.least(2);
        expect(v.fees, at).to.not.equal('');
        expect(v.fees, `${at}: write ￥, not ¥ (¥ needs 4 bytes in GB18030)`).to.not.contain('¥');
        expect(v.contact, at).to.match(/转 \d{4}/);
      }
    }
  });

  it('says 不收费 for free services and quotes amounts in ￥', () => {
    const fees = cfg.setup.sections.flatMap((s) => s.services.map((v) => v.fees));
    expect(fees.filter((f) => f.startsWith('不收费')).length).to.be.greaterThan(15);
    expect(fees.filter((f) => f.includes('￥')).length).to.be.at.least(3);
  });

  it('promises well under the legal limit, and 0 days for immediate services', () => {
    for (const s of cfg.setup.sections) {
      for (const v of s.services) {
        const at = `${s.name}/${v.name} ${v.promisedLimitDays}/${v.legalLimitDays}`;
        if (v.kind === 'immediate') expect(v.promisedLimitDays, at).to.equal(0);
        else {
          expect(v.promisedLimitDays, at).to.be.at.least(1);
          expect(v.promisedLimitDays, at).to.be.at.most(v.legalLimitDays / 2);
        }
      }
    }
    const kinds = new Set(cfg.setup.sections.flatMap((s) => s.services.map((v) => v.kind)));
    expect([...kinds]).to.have.members(['immediate', 'promised']);
  });

  it('allows at least 1000 tickets per section per day', () => {
    for (const s of cfg.setup.sections) expect(s.dailyCapacity, s.name).to.be.at.least(1000);
  });

  it('requires an ID card for real estate, social insurance and housing fund, and not for at least three others', () => {
    const needCard = cfg.setup.sections.filter((s) => s.requireIdCard).map((s) => s.id);
    expect(needCard).to.have.members(['property', 'social-insurance', 'housing-fund']);
    expect(cfg.setup.sections.filter((s) => !s.requireIdCard).length).to.be.at.least(3);
  });

  it('offers hourly appointment slots of 10–20 people in working hours', () => {
    for (const s of cfg.setup.sections) {
      expect(s.appointmentSlots.length, s.name).to.be.at.least(4);
      for (const slot of s.appointmentSlots) {
        expect(slot.start >= '09:00' && slot.end <= '17:00', `${s.name} ${slot.start}`).to.equal(true);
        expect(slot.capacity).to.be.within(10, 20);
      }
    }
  });

  it('has twelve windows numbered 1 to 12, several of them comprehensive', () => {
    const { windows } = cfg.setup;
    expect(windows.map((w) => w.number)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const comprehensive = windows.filter((w) => w.sectionIds.length > 1);
    expect(comprehensive.length).to.be.at.least(3);
    for (const w of comprehensive) expect(w.sectionIds.length, w.name).to.be.within(2, 4);
    expect(windows.filter((w) => w.sectionIds.length === 1).length).to.be.at.least(5);
  });

  it('mixes window policies: mostly fifo, one strict, one weighted', () => {
    const count = (p: string) => cfg.setup.windows.filter((w) => w.policy === p).length;
    expect(count('strict')).to.equal(1);
    expect(count('weighted')).to.equal(1);
    expect(count('fifo')).to.equal(10);
    const weighted = cfg.setup.windows.find((w) => w.policy === 'weighted')!;
    expect(Object.keys(weighted.weights ?? {})).to.have.members(weighted.sectionIds);
  });

  it('uses the design defaults for the queue rules', () => {
    expect(cfg.setup.rules).to.deep.equal({
      normalPerPriority: 2,
      agingMinutes: 20,
      maxRecalls: 2,
      rejoinWithinMinutes: 30,
      rejoinPositionsFromHead: 3,
      maxLiveTicketsPerSection: 1,
      maxTicketsPerDayPerId: 3,
      appointmentEarlyMinutes: 15,
      appointmentLateMinutes: 15,
      rollingWindow: 20,
      followUpWorkingDays: 15,
      bookingHorizonDays: 14,
    });
  });

  it('takes tickets at any hour in the demo (ticketingHours null, kiosks never switch to self-service by the clock)', () => {
    expect(cfg.setup.ticketingHours).to.equal(null);
    expect(cfg.selfService.hours).to.equal(null);
  });

  it('has the two kiosks: the ground-floor hall and the 24-hour area', () => {
    expect(cfg.kiosks.map((k) => [k.id, k.location])).to.deep.equal([
      ['kiosk-1', '一楼大厅导服台旁'],
      ['kiosk-2', '24小时自助服务区'],
    ]);
  });

  it('has twelve demo clerks staff1..staff12 with distinct staff numbers, a drawn portrait each and no passwords', () => {
    expect(cfg.staff.map((s) => s.id)).to.deep.equal(Array.from({ length: 12 }, (_, i) => `staff${i + 1}`));
    expect(new Set(cfg.staff.map((s) => s.staffNo)).size).to.equal(12);
    for (const s of cfg.staff) {
      expect(s.role).to.equal('clerk');
      expect(s.name).to.match(/^[\u4e00-\u9fff]{2,3}$/);
      expect(s.staffNo).to.match(/^GZ\d{4}$/);
      expect(Object.keys(s)).to.have.members(['id', 'name', 'staffNo', 'role', 'photo']);
      expect(s.photo!.endsWith(`/photos/${s.id}.svg`), s.photo).to.equal(true);
    }
  });

  it('offers the six negative-rating reasons in Chinese and English', () => {
    expect(cfg.pad.negativeReasons).to.deep.equal(['等待时间过长', '服务态度差', '业务不熟练', '告知不清楚', '材料要求反复', '其他']);
    expect(cfg.pad.negativeReasonsEn).to.have.length(6);
    expect(cfg.pad.negativeReasonsEn.at(-1)).to.equal('Other');
  });

  it('has notices in Chinese with an English line for each', () => {
    expect(cfg.hall.notices.length).to.be.at.least(1);
    expect(cfg.hall.noticesEn).to.have.length(cfg.hall.notices.length);
  });
});
