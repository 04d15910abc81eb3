// A small hall for the domain tests, and a harness that decides and applies like the server does.
// The calendar is made up for the tests: Wed 2026-11-25 is a holiday, Sat 2026-11-28 a make-up workday.

import { expect } from 'chai';
import { apply, decide, initialState, localInstant } from '../../../server/hall/index.js';
import type {
  Actor,
  Clerk,
  Command,
  Decision,
  DomainError,
  DomainErrorCode,
  EventBody,
  HallEvent,
  HallSetup,
  HallState,
  QueueRules,
  Section,
  Service,
  Ticket,
  WindowConfig,
} from '../../../server/hall/types.js';

export const DAY = '2026-11-23'; // a Monday
export const OFFSET = 480;

export function service(code: string, name: string): Service {
  return {
    code,
    name,
    kind: 'immediate',
    legalLimitDays: 20,
    promisedLimitDays: 5,
    summary: name,
    basis: [],
    conditions: [],
    materials: [],
    procedure: [],
    fees: '不收费',
    contact: '0000-0000000',
  };
}

function section(id: string, prefix: string, name: string, over: Partial<Section> = {}): Section {
  return {
    id,
    prefix,
    name,
    services: [service(`${prefix}-01`, `${name}事项一`), service(`${prefix}-02`, `${name}事项二`)],
    dailyCapacity: 50,
    requireIdCard: false,
    defaultServiceMinutes: 10,
    targetWaitMinutes: 30,
    appointmentSlots: [],
    ...over,
  };
}

export const RULES: QueueRules = {
  normalPerPriority: 2,
  agingMinutes: 30,
  maxRecalls: 2,
  rejoinWithinMinutes: 30,
  rejoinPositionsFromHead: 3,
  maxLiveTicketsPerSection: 1,
  maxTicketsPerDayPerId: 3,
  appointmentEarlyMinutes: 15,
  appointmentLateMinutes: 15,
  rollingWindow: 5,
  followUpWorkingDays: 15,
  bookingHorizonDays: 7,
};

function win(id: string, number: number, sectionIds: string[], over: Partial<WindowConfig> = {}): WindowConfig {
  return { id, number, name: `${number}号窗口`, sectionIds, policy: 'fifo', ...over };
}

/** Sections A (real estate), B (company registration, small capacity), C (social insurance, ID card needed). */
export function makeSetup(over: { rules?: Partial<QueueRules>; sections?: Partial<Record<'A' | 'B' | 'C', Partial<Section>>>; ticketingHours?: HallSetup['ticketingHours'] } = {}): HallSetup {
  return {
    sections: [
      section('A', 'A', '不动产登记', {
        appointmentSlots: [
          { start: '09:00', end: '10:00', capacity: 2 },
          { start: '10:00', end: '11:00', capacity: 2 },
        ],
        ...over.sections?.A,
      }),
      section('B', 'B', '企业开办', {
        dailyCapacity: 3,
        defaultServiceMinutes: 6,
        appointmentSlots: [{ start: '09:00', end: '10:00', capacity: 1 }],
        ...over.sections?.B,
      }),
      section('C', 'C', '社保医保', { requireIdCard: true, defaultServiceMinutes: 5, ...over.sections?.C }),
    ],
    windows: [
      win('w1', 1, ['A']),
      win('w2', 2, ['A', 'B'], { policy: 'strict' }),
      win('w3', 3, ['A', 'B'], { policy: 'weighted', weights: { A: 2, B: 1 } }),
      win('w4', 4, ['C']),
      win('w5', 5, ['B']),
      win('w6', 6, ['A', 'B']),
    ],
    rules: { ...RULES, ...over.rules },
    calendar: { utcOffsetMinutes: OFFSET, holidays: ['2026-11-25', '2027-01-01'], workdays: ['2026-11-28'] },
    ticketingHours: over.ticketingHours === undefined ? null : over.ticketingHours,
  };
}

/** Epoch ms of local time `hm` on `day` in the test hall. */
export function T(hm: string, day = DAY): number {
  return localInstant(day, hm, { utcOffsetMinutes: OFFSET, holidays: [], workdays: [] });
}

export const SYSTEM: Actor = { kind: 'system' };
export const CITIZEN: Actor = { kind: 'citizen', kioskId: 'k1' };
export const MANAGER: Actor = { kind: 'manager', userId: 'admin' };
export function clerk(n: number): Clerk {
  return { id: `c${n}`, name: `办事员${n}`, staffNo: `S${String(n).padStart(3, '0')}` };
}
export function clerkActor(windowId: string, n = Number(windowId.slice(1))): Actor {
  return { kind: 'clerk', clerk: clerk(n), windowId };
}

/** Freezes what is not frozen yet: a decide or apply that mutates its input then throws (ESM is strict). */
export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** Decides and applies like the server: events get consecutive seq and `at` = the decision's now. */
export class Harness {
  state: HallState;
  readonly events: HallEvent[] = [];
  now: number;
  newCode: (() => string) | undefined;

  constructor(
    readonly setup: HallSetup = makeSetup(),
    start = T('08:00'),
  ) {
    this.state = deepFreeze(initialState(setup));
    this.now = start;
  }

  advance(minutes: number): this {
    this.now += minutes * 60_000;
    return this;
  }

  setTime(hm: string, day = DAY): this {
    this.now = T(hm, day);
    return this;
  }

  decide(cmd: Command, actor: Actor = SYSTEM): Decision {
    return decide(this.state, cmd, { now: this.now, setup: this.setup, actor, ...(this.newCode ? { newCode: this.newCode } : {}) });
  }

  run(cmd: Command, actor: Actor = SYSTEM): Decision {
    const seqBefore = this.state.seq;
    const d = this.decide(cmd, actor);
    expect(this.state.seq, 'decide must not move seq').to.equal(seqBefore);
    if (d.ok) for (const body of d.events) this.push(body);
    return d;
  }

  push(body: EventBody): void {
    const e = { ...body, seq: this.state.seq + 1, at: this.now } as HallEvent;
    this.state = deepFreeze(apply(this.state, e, this.setup));
    this.events.push(e);
  }

  ok(cmd: Command, actor: Actor = SYSTEM): EventBody[] {
    const d = this.run(cmd, actor);
    if (!d.ok) expect.fail(`${cmd.type} refused: ${d.error.code} ${d.error.message}`);
    return d.events;
  }

  refused(cmd: Command, code: DomainErrorCode, actor: Actor = SYSTEM): DomainError {
    const d = this.run(cmd, actor);
    if (d.ok) expect.fail(`${cmd.type} should be refused with ${code}, got ${d.events.map((e) => e.type).join(', ')}`);
    expect(d.error.code, d.error.message).to.equal(code);
    expect(d.error.message).to.be.a('string').and.not.equal('');
    return d.error;
  }

  issue(sectionId: string, opts: Partial<Extract<Command, { type: 'IssueTicket' }>> = {}, actor: Actor = CITIZEN): Ticket {
    const events = this.ok({ type: 'IssueTicket', sectionId, ...opts }, actor);
    const issued = events.find((e) => e.type === 'TicketIssued');
    if (!issued || issued.type !== 'TicketIssued') return expect.fail('no TicketIssued event');
    return this.ticket(issued.ticket.id);
  }

  signIn(windowId: string, n = Number(windowId.slice(1))): void {
    this.ok({ type: 'SignIn', windowId, clerk: clerk(n) });
  }

  /** Call-next at a window; returns the called ticket. */
  callNext(windowId: string): Ticket {
    const events = this.ok({ type: 'CallNext', windowId });
    const called = events.find((e) => e.type === 'TicketCalled');
    if (!called || called.type !== 'TicketCalled') return expect.fail('no TicketCalled event');
    return this.ticket(called.ticketId);
  }

  /** Numbers in the order repeated call-next would call them, actually calling and finishing each. */
  drain(windowId: string, max = 1000): string[] {
    const out: string[] = [];
    for (let i = 0; i < max; i++) {
      const d = this.run({ type: 'CallNext', windowId });
      if (!d.ok) {
        expect(d.error.code).to.equal('QUEUE_EMPTY');
        break;
      }
      const called = d.events.find((e) => e.type === 'TicketCalled');
      if (called?.type === 'TicketCalled') out.push(this.ticket(called.ticketId).number);
      this.ok({ type: 'Finish', windowId });
    }
    return out;
  }

  ticket(id: string): Ticket {
    const t = this.state.tickets.get(id);
    if (!t) return expect.fail(`ticket ${id} not in state`);
    return t;
  }

  byNumber(number: string): Ticket {
    const t = this.state.tickets.values().find((x) => x.number === number);
    if (!t) return expect.fail(`ticket ${number} not in state`);
    return t;
  }
}

/** A waiting ticket of section A for table-level tests: number n, issued at 1000 + n ms, 4-digit numbers. */
export function tableTicket(n: number, extra: Partial<Ticket> = {}): Ticket {
  const number = `A${String(n).padStart(4, '0')}`;
  return { id: `20261123-${number}`, number, day: '2026-11-23', sectionId: 'A', priority: 'normal', status: 'waiting', issuedAt: 1_000 + n, calls: 0, transfers: [], ...extra } as Ticket;
}
