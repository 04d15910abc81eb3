// What the kiosk prints besides queue tickets: booking slips and service guides (办事指南). The jobs are
// built here from the hall's own data; a KioskPrinting sends them to the kiosk's printer. Until a hall wires
// its printers in, `noKioskPrinters` answers that there is no printer: the page then shows what it would
// have printed, and never claims a print that did not happen.

import { bookingSlipLayout } from '../../drivers/printer/layouts.js';
import { EscPos } from '../../drivers/printer/escpos.js';
import { rule, wrap } from '../../drivers/printer/width.js';
import type { Appointment, Section, Service } from '../hall/types.js';

export type PrintOutcome = { printed: true } | { printed: false; error: { code: string; message: string } };

/** The narrow view of the device layer the kiosk routes need: one job to one kiosk's printer. */
export interface KioskPrinting {
  print(kioskId: string, job: Buffer): Promise<PrintOutcome>;
}

export const noKioskPrinters: KioskPrinting = {
  async print() {
    return { printed: false, error: { code: 'NO_PRINTER', message: '本机未连接打印机 / no printer is attached to this kiosk' } };
  },
};

/** 80 mm rolls: 48 columns at normal size. */
export const KIOSK_COLUMNS = 48;

export function bookingSlip(hallName: string, section: Section, appointment: Appointment): Buffer {
  const service = appointment.serviceCode ? section.services.find((s) => s.code === appointment.serviceCode) : undefined;
  return bookingSlipLayout({
    hallName,
    sectionName: section.name,
    ...(service ? { serviceName: service.name } : {}),
    date: appointment.date,
    slot: `${appointment.slotStart}-${appointment.slotEnd}`,
    code: appointment.code,
    notice: '请在预约时段前后15分钟内到大厅取号机扫码签到，逾期预约作废。',
    widthColumns: KIOSK_COLUMNS,
  });
}

/** The full 七公开 guide of one service, headed by its section, in the order the guide screen shows it. */
export function guideSlip(hallName: string, section: Section, s: Service, width = KIOSK_COLUMNS): Buffer {
  const p = new EscPos().init().chinese();
  const para = (text: string) => {
    for (const l of wrap(text, width)) p.line(l);
  };
  const heading = (text: string) => {
    p.feed(1).bold(true);
    para(`【${text}】`);
    p.bold(false);
  };
  p.align('center');
  para(hallName);
  p.bold(true).size(1, 2);
  para('办事指南');
  p.size(1, 1);
  para(s.name);
  p.bold(false).align('left').line(rule(width));
  para(`业务板块：${section.name}`);
  para(`事项编码：${s.code}`);
  para(`办件类型：${s.kind === 'immediate' ? '即办件' : '承诺件'}`);
  heading('设定依据');
  for (const b of s.basis) para(`· ${b}`);
  heading('受理条件');
  s.conditions.forEach((c, i) => para(`${i + 1}. ${c}`));
  heading('申请材料');
  s.materials.forEach((m, i) => {
    const tags = [`${m.copies}份`, m.required ? '必需' : '视情形提供', ...(m.note ? [m.note] : [])];
    para(`${i + 1}. ${m.name}（${tags.join('，')}）`);
  });
  heading('办理流程');
  s.procedure.forEach((x, i) => para(`${i + 1}. ${x}`));
  heading('办理时限');
  para(s.kind === 'immediate' ? `即办（法定时限 ${s.legalLimitDays} 个工作日）` : `承诺 ${s.promisedLimitDays} 个工作日（法定 ${s.legalLimitDays} 个工作日）`);
  heading('收费标准');
  para(s.fees);
  heading('咨询方式');
  para(s.contact);
  p.line(rule(width));
  return p.feed(4).cut('full').bytes();
}
