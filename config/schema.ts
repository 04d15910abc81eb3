// The hall's configuration: zod schemas for every file in config/, the checks that span fields and files,
// and the loader. Only the composition root calls loadConfig; everything else receives the result.

import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type {
  Calendar,
  HallSetup,
  QueueRules,
  Section,
  Service,
  WindowConfig,
} from '../server/hall/types.js';
import { checkDevices, type DevicesConfig, devicesFileSchema, NO_DEVICES } from './devices.js';
import { checkLedbars, LEDBARS_FILE, ledbarsFileSchema, type LedbarsConfig } from './ledbars.js';
import { checkDocscan, DOCSCAN_FILE, docscanFileSchema, type DocscanConfig } from './docscan.js';

/** The folder that holds the shipped demo hall (this file's folder). */
export const configDir = dirname(fileURLToPath(import.meta.url));

export const CONFIG_FILES = {
  hall: 'hall.json',
  sections: 'sections.json',
  windows: 'windows.json',
  calendar: 'calendar.json',
  staff: 'staff.json',
  /** Optional: a hall without it has no devices. */
  devices: 'devices.json',
} as const;

// ---------------------------------------------------------------- building blocks

const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

const text = z.string().refine((s) => s.trim().length > 0, { error: 'must not be empty' });
const time = z.string().regex(TIME_RE, { error: 'must be a 24-hour time HH:MM (00:00–23:59)' });
const date = z
  .string()
  .regex(DATE_RE, { error: 'must be a date YYYY-MM-DD', abort: true })
  .refine(isRealDate, { error: 'is not a date in the calendar' });
const id = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, { error: 'must be lowercase letters, digits or "-", starting with a letter' });
const int = (min: number, max: number) => z.number().int().min(min).max(max);

function isRealDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

// ---------------------------------------------------------------- the domain's HallSetup

export const serviceSchema = z.strictObject({
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, { error: 'must be letters, digits, ".", "_" or "-"' }),
  name: text,
  nameEn: text.optional(),
  kind: z.enum(['immediate', 'promised']),
  legalLimitDays: int(0, 365),
  promisedLimitDays: int(0, 365),
  summary: text,
  basis: z.array(text).min(1),
  conditions: z.array(text).min(1),
  materials: z
    .array(z.strictObject({ name: text, copies: int(1, 20), required: z.boolean(), note: text.optional() }))
    .min(1),
  procedure: z.array(text).min(1),
  fees: text,
  contact: text,
});

export const sectionSchema = z.strictObject({
  id,
  prefix: z.string().regex(/^[A-Z]$/, { error: 'must be one capital letter A–Z' }),
  name: text,
  nameEn: text.optional(),
  services: z.array(serviceSchema).min(1),
  dailyCapacity: int(1, 99_999),
  requireIdCard: z.boolean(),
  defaultServiceMinutes: z.number().positive().max(480),
  targetWaitMinutes: z.number().positive().max(480),
  appointmentSlots: z.array(z.strictObject({ start: time, end: time, capacity: int(1, 1000) })),
  closed: z.boolean().optional(),
});

export const windowSchema = z.strictObject({
  id,
  number: int(1, 999),
  name: text,
  nameEn: text.optional(),
  sectionIds: z.array(z.string()).min(1),
  policy: z.enum(['fifo', 'strict', 'weighted']),
  weights: z.record(z.string(), z.number().positive().max(100)).optional(),
  ledbarAddress: int(0, 255).optional(),
});

/** Ranges are wide enough for any hall's local rules and narrow enough to catch a slipped digit. */
export const rulesSchema = z.strictObject({
  normalPerPriority: int(1, 20),
  agingMinutes: int(1, 240),
  maxRecalls: int(0, 10),
  rejoinWithinMinutes: int(0, 240),
  rejoinPositionsFromHead: int(0, 50),
  maxLiveTicketsPerSection: int(1, 10),
  maxTicketsPerDayPerId: int(1, 50),
  appointmentEarlyMinutes: int(0, 120),
  appointmentLateMinutes: int(0, 120),
  rollingWindow: int(1, 500),
  followUpWorkingDays: int(1, 60),
  bookingHorizonDays: int(1, 90),
});

export const calendarSchema = z.strictObject({
  utcOffsetMinutes: int(-720, 840),
  holidays: z.array(date),
  workdays: z.array(date),
});

const hoursSchema = z.strictObject({ open: time, close: time });

export const hallSetupSchema = z.strictObject({
  sections: z.array(sectionSchema).min(1),
  windows: z.array(windowSchema).min(1),
  rules: rulesSchema,
  calendar: calendarSchema,
  ticketingHours: hoursSchema.nullable(),
});

// ---------------------------------------------------------------- the rest of the hall

export interface HallInfo {
  name: string;
  nameEn: string;
  /** The hall's code as the central approval system knows it. */
  code: string;
  /** Shown on the hall screen, zh-CN. */
  notices: string[];
  /** Same notices in English, in the same order. */
  noticesEn?: string[];
  /** Where citizens' phones reach the hall server (ticket QR codes); default the kiosk's own address. */
  publicUrl?: string;
}

export interface KioskConfig {
  id: string;
  name: string;
  nameEn?: string;
  location: string;
  /** Device key for taking tickets outside demo mode (see kioskSchema). */
  key?: string;
}

export interface PadConfig {
  /** Seconds the pad waits for a rating before it records "not rated". */
  ratingTimeoutSeconds: number;
  /** Reasons offered for a rating of 1–2, zh-CN; the English list has the same order. */
  negativeReasons: string[];
  negativeReasonsEn: string[];
}

export interface VoiceConfig {
  /** How many times each call is announced. */
  repeat: number;
  /** The clip pack: a folder of that name under the data folder's voice/ (a hall's recording) or assets/voice/. */
  pack: string;
}

/** Demo roster: who may sign in at a window. Passwords are not configuration. */
export interface StaffMember {
  id: string;
  name: string;
  staffNo: string;
  role: 'clerk';
  /**
   * A portrait for the evaluation pad (JPEG, PNG or SVG), relative to the config folder in the file;
   * `loadConfig` gives it as a full path. Used as the account's photo until a manager uploads or removes one.
   */
  photo?: string;
}

export interface SelfServiceConfig {
  /**
   * Kiosks take tickets inside these hours and run as 24-hour self-service terminals outside them and on
   * days off. null: the kiosks never switch by the clock (a kiosk page may still be set to self-service).
   */
  hours: { open: string; close: string } | null;
}

/** When the manager's dashboard raises an alert. Changed live from the dashboard (server/manager/settings.ts). */
export interface AlertThresholds {
  /** A section's longest waiting ticket has waited more than this. */
  waitMinutes: number;
  /** A window has been paused longer than this. */
  pausedMinutes: number;
  /** Records waiting in the outbox to the central system. */
  outboxBacklog: number;
  /** A case this many working days (or fewer) before its promised deadline. */
  caseWarnDays: number;
  /** Raise an alert for every rating of 不满意 / 非常不满意. */
  negativeRating: boolean;
  /** Raise an alert for every device reported offline or faulty. */
  deviceFault: boolean;
}

export const DEFAULT_ALERTS: AlertThresholds = {
  waitMinutes: 30,
  pausedMinutes: 15,
  outboxBacklog: 20,
  caseWarnDays: 2,
  negativeRating: true,
  deviceFault: true,
};

/** The link to the central approval system (docs/central-api.yaml). */
export interface CentralConfig {
  /**
   * Base URL of the central approval system, e.g. "https://central.example.gov.cn/api". null: the demo hall
   * starts the mock central system itself; a real hall keeps every push in its outbox until a URL is set.
   * HALL_CENTRAL_URL overrides it.
   */
  url: string | null;
  /** The hall's key for `Authorization: Bearer`; HALL_CENTRAL_KEY overrides it (keep real keys out of files). */
  apiKey: string;
  /** Per request; 1–120, default 10. */
  timeoutSeconds: number;
  retry: {
    /** First retry delay, doubled per failed attempt (with jitter); 0.1–60 s, default 1. */
    baseSeconds: number;
    /** Ceiling of the retry delay; 1–3600 s, default 300. */
    maxSeconds: number;
    /** Cases (ordering keys) delivered at the same time; 1–16, default 4. */
    concurrency: number;
  };
  /** How long a kiosk's progress answer is reused; 0–600 s, default 30. */
  progressCacheSeconds: number;
  /** The demo's mock central system (used only while `url` is null in demo mode). */
  mock: {
    /** 0 picks a free port; default 8091, or a free port if that one is taken. */
    port: number;
    /** Each of accept → review → approve → done takes this long; 1–86400 s, default 60. */
    stageSeconds: number;
  };
}

export const CENTRAL_DEFAULTS: CentralConfig = {
  url: null,
  apiKey: 'demo-central-key',
  timeoutSeconds: 10,
  retry: { baseSeconds: 1, maxSeconds: 300, concurrency: 4 },
  progressCacheSeconds: 30,
  mock: { port: 8091, stageSeconds: 60 },
};

export interface HallConfig {
  alerts: AlertThresholds;
  central: CentralConfig;
  hall: HallInfo;
  setup: HallSetup;
  kiosks: KioskConfig[];
  pad: PadConfig;
  voice: VoiceConfig;
  staff: StaffMember[];
  selfService: SelfServiceConfig;
  devices: DevicesConfig;
  /** config/ledbars.json when present (window LED bar buses), else null. */
  ledbars: LedbarsConfig | null;
  /** config/docscan.json when present (document scanners at windows), else null. */
  docscan: DocscanConfig | null;
}

const hallInfoSchema = z.strictObject({
  name: text,
  nameEn: text,
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { error: 'must be letters, digits, "_" or "-"' }),
  notices: z.array(text),
  noticesEn: z.array(text).optional(),
  /**
   * Where citizens' phones reach this hall server (the QR on a ticket opens `<publicUrl>/t/<ticket>`), e.g.
   * `https://zwfw.example.gov.cn`. Default: the address the kiosk itself used, which only phones on the
   * hall's own network can reach.
   */
  publicUrl: z
    .string()
    .url()
    .regex(/^https?:\/\/[^/?#]+(\/[^?#]*)?$/, { error: 'must be an http(s) address without query or fragment' })
    .optional(),
});

const kioskSchema = z.strictObject({
  id,
  name: text,
  nameEn: text.optional(),
  location: text,
  /**
   * The kiosk's device key: outside demo mode a kiosk takes tickets with `Authorization: Bearer
   * kiosk.<id>.<key>`. Without one the kiosk cannot take tickets outside demo mode.
   */
  key: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, { error: '16 to 128 letters, digits, "_" or "-"' }).optional(),
});

const padSchema = z.strictObject({
  ratingTimeoutSeconds: int(5, 600),
  negativeReasons: z.array(text).min(1),
  negativeReasonsEn: z.array(text).min(1),
});

const voiceSchema = z.strictObject({
  repeat: int(1, 5),
  pack: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { error: 'must be a folder name: letters, digits, "_" or "-"' }).default('zh-CN'),
});

export const alertsSchema = z.strictObject({
  waitMinutes: int(1, 480),
  pausedMinutes: int(1, 480),
  outboxBacklog: int(1, 100_000),
  caseWarnDays: int(0, 30),
  negativeRating: z.boolean(),
  deviceFault: z.boolean(),
});

const seconds = (min: number, max: number) => z.number().min(min, { error: `must be ≥ ${min}` }).max(max, { error: `must be ≤ ${max}` });
const centralSchema = z.strictObject({
  url: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), { error: 'must be an http:// or https:// URL' })
    .nullable()
    .default(CENTRAL_DEFAULTS.url),
  apiKey: z.string().min(8, { error: 'must be at least 8 characters' }).max(512).regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces' }).default(CENTRAL_DEFAULTS.apiKey),
  timeoutSeconds: seconds(1, 120).default(CENTRAL_DEFAULTS.timeoutSeconds),
  retry: z
    .strictObject({
      baseSeconds: seconds(0.1, 60).default(CENTRAL_DEFAULTS.retry.baseSeconds),
      maxSeconds: seconds(1, 3600).default(CENTRAL_DEFAULTS.retry.maxSeconds),
      concurrency: int(1, 16).default(CENTRAL_DEFAULTS.retry.concurrency),
    })
    .refine((r) => r.maxSeconds >= r.baseSeconds, { error: 'maxSeconds must be ≥ baseSeconds', path: ['maxSeconds'] })
    .default(CENTRAL_DEFAULTS.retry),
  progressCacheSeconds: seconds(0, 600).default(CENTRAL_DEFAULTS.progressCacheSeconds),
  mock: z
    .strictObject({
      port: int(0, 65535).default(CENTRAL_DEFAULTS.mock.port),
      stageSeconds: seconds(1, 86400).default(CENTRAL_DEFAULTS.mock.stageSeconds),
    })
    .default(CENTRAL_DEFAULTS.mock),
});

const staffMemberSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, { error: 'must be lowercase letters, digits, "_" or "-"' }),
  name: text,
  staffNo: z.string().regex(/^[A-Z0-9]{2,16}$/, { error: 'must be 2–16 capital letters or digits' }),
  role: z.literal('clerk'),
  photo: z.string().min(1).max(200).optional(),
});

// ---------------------------------------------------------------- the files

export const hallFileSchema = z.strictObject({
  hall: hallInfoSchema,
  rules: rulesSchema,
  ticketingHours: hoursSchema.nullable(),
  selfService: z.strictObject({ hours: hoursSchema.nullable() }),
  kiosks: z.array(kioskSchema).min(1),
  pad: padSchema,
  voice: voiceSchema,
  /** Optional: the defaults (DEFAULT_ALERTS) apply without it. */
  alerts: alertsSchema.optional(),
  central: centralSchema.optional(),
});

export const sectionsFileSchema = z.strictObject({ sections: z.array(sectionSchema).min(1) });

export const windowsFileSchema = z.strictObject({ windows: z.array(windowSchema).min(1) });

/** `source` names the notice the dates come from; the domain's Calendar does not carry it. */
export const calendarFileSchema = z.strictObject({ source: text.optional(), ...calendarSchema.shape });

export const staffFileSchema = z.strictObject({ staff: z.array(staffMemberSchema) });

// The schemas must produce exactly the domain's types: a change on either side fails to compile here.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
export type SchemaMatchesDomain = [
  Expect<Equal<z.output<typeof serviceSchema>, Service>>,
  Expect<Equal<z.output<typeof sectionSchema>, Section>>,
  Expect<Equal<z.output<typeof windowSchema>, WindowConfig>>,
  Expect<Equal<z.output<typeof rulesSchema>, QueueRules>>,
  Expect<Equal<z.output<typeof calendarSchema>, Calendar>>,
  Expect<Equal<z.output<typeof hallSetupSchema>, HallSetup>>,
  Expect<Equal<z.output<typeof hallInfoSchema>, HallInfo>>,
  Expect<Equal<z.output<typeof kioskSchema>, KioskConfig>>,
  Expect<Equal<z.output<typeof padSchema>, PadConfig>>,
  Expect<Equal<z.output<typeof voiceSchema>, VoiceConfig>>,
  Expect<Equal<z.output<typeof alertsSchema>, AlertThresholds>>,
  Expect<Equal<z.output<typeof staffMemberSchema>, StaffMember>>,
];

// ---------------------------------------------------------------- errors

/**
 * What is wrong, for a page to say in its own language: `code` names the kind (zod's own codes, `origin`
 * appended for sizes and types, e.g. `too_small.number`, or the hall's checks, e.g. `duplicate`), `params`
 * fill the catalogue text. `message` stays the English text for logs and files.
 */
export interface IssueCode {
  code?: string;
  params?: Record<string, string | number>;
}

export interface ConfigIssue extends IssueCode {
  /** The file as the operator knows it, e.g. `config/sections.json`. */
  file: string;
  /** Field path inside the file, e.g. `sections[2].services[0].promisedLimitDays`; '' for the whole file. */
  path: string;
  message: string;
}

/** The code and catalogue parameters of a zod issue (see IssueCode). */
export function zodIssueCode(issue: z.core.$ZodIssue): IssueCode {
  switch (issue.code) {
    case 'too_small':
      return { code: `too_small.${issue.origin}`, params: { minimum: Number(issue.minimum) } };
    case 'too_big':
      return { code: `too_big.${issue.origin}`, params: { maximum: Number(issue.maximum) } };
    case 'invalid_type':
      // zod reports a missing field as a type error whose input was undefined.
      return /received undefined$/.test(issue.message) ? { code: 'required' } : { code: `invalid_type.${issue.expected}` };
    case 'invalid_format':
      return { code: 'invalid_format' };
    case 'invalid_value':
      return { code: 'invalid_value', params: { values: issue.values.map((v) => String(v)).join(' / ') } };
    case 'unrecognized_keys':
      return { code: 'unknown_key' };
    default:
      return {};
  }
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const lines = issues.map(formatIssue);
    super(lines.length === 1 ? lines[0] : `${lines.length} problems in the hall configuration:\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function formatIssue(i: ConfigIssue): string {
  return i.path ? `${i.file}: ${i.path}: ${i.message}` : `${i.file}: ${i.message}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

function zodIssues(file: string, error: z.ZodError): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // One issue per key so the path names the typo itself.
      for (const key of issue.keys) {
        out.push({ file, path: formatPath([...issue.path, key]), message: 'unknown key (misspelt or misplaced?)', code: 'unknown_key' });
      }
      continue;
    }
    let message = issue.message.replace(/^Invalid input: /, '');
    if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
      message = `required (expected ${issue.expected})`;
    }
    out.push({ file, path: formatPath(issue.path), message, ...zodIssueCode(issue) });
  }
  return out;
}

// ---------------------------------------------------------------- reading

function displayName(dir: string, name: string): string {
  const full = join(dir, name);
  const rel = relative(process.cwd(), full);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : full;
}

function readJson(full: string, file: string, issues: ConfigIssue[]): unknown {
  let raw: string;
  try {
    raw = readFileSync(full, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    issues.push({ file, path: '', message: code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(e)})` });
    return undefined;
  }
  // Editors on some systems save a BOM; JSON.parse rejects it.
  if (raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
  try {
    return JSON.parse(raw) as unknown;
  } catch (e) {
    issues.push({ file, path: '', message: `invalid JSON: ${describeJsonError(raw, (e as Error).message)}` });
    return undefined;
  }
}

/** V8's messages give a character position; people look for a line and column. */
function describeJsonError(raw: string, message: string): string {
  const m = /^(.*?)(?: in JSON)? at position (\d+)/.exec(message);
  if (!m) return message;
  const pos = Number(m[2]);
  const before = raw.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `${m[1]} (line ${line}, column ${column})`;
}

function readPart<S extends z.ZodType>(dir: string, name: string, schema: S, issues: ConfigIssue[]): z.output<S> | undefined {
  const file = displayName(dir, name);
  const data = readJson(join(dir, name), file, issues);
  if (data === undefined) return undefined;
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    issues.push(...zodIssues(file, parsed.error));
    return undefined;
  }
  return parsed.data;
}

/**
 * Reads and validates every file of a hall's configuration. Reports every problem found, not just the
 * first, in one ConfigError. Checks that span files run only on files that passed their own schema.
 */
export function loadConfig(dir: string = configDir): HallConfig {
  const issues: ConfigIssue[] = [];
  const hallFile = readPart(dir, CONFIG_FILES.hall, hallFileSchema, issues);
  const sectionsFile = readPart(dir, CONFIG_FILES.sections, sectionsFileSchema, issues);
  const windowsFile = readPart(dir, CONFIG_FILES.windows, windowsFileSchema, issues);
  const calendarFile = readPart(dir, CONFIG_FILES.calendar, calendarFileSchema, issues);
  const staffFile = readPart(dir, CONFIG_FILES.staff, staffFileSchema, issues);
  const f = (name: string) => displayName(dir, name);
  const ledbarsFile = existsSync(join(dir, LEDBARS_FILE)) ? readPart(dir, LEDBARS_FILE, ledbarsFileSchema, issues) : undefined;
  const docscanFile = existsSync(join(dir, DOCSCAN_FILE)) ? readPart(dir, DOCSCAN_FILE, docscanFileSchema, issues) : undefined;

  if (hallFile) checkHallFile(hallFile, f(CONFIG_FILES.hall), issues);
  if (sectionsFile) checkSections(sectionsFile.sections, hallFile?.ticketingHours ?? null, f(CONFIG_FILES.sections), issues);
  if (windowsFile) checkWindows(windowsFile.windows, sectionsFile?.sections, f(CONFIG_FILES.windows), issues);
  if (calendarFile) checkCalendar(calendarFile, f(CONFIG_FILES.calendar), issues);
  if (staffFile) checkStaff(staffFile.staff, dir, f(CONFIG_FILES.staff), issues);
  const devicesFile = existsSync(join(dir, CONFIG_FILES.devices)) ? readPart(dir, CONFIG_FILES.devices, devicesFileSchema, issues) : NO_DEVICES;
  // Like the other checks across files, device places are checked only against files that are sound.
  const sound = (name: string) => !issues.some((i) => i.file === f(name));
  if (devicesFile && hallFile && windowsFile && sound(CONFIG_FILES.hall) && sound(CONFIG_FILES.windows)) {
    const places = { kiosks: hallFile.kiosks.map((k) => k.id), windows: windowsFile.windows.map((w) => w.id) };
    checkDevices(devicesFile, places, f(CONFIG_FILES.devices), issues);
  }
  // Bars are placed by window: only against a windows.json without problems of its own.
  const windowsOk = windowsFile && !issues.some((i) => i.file === f(CONFIG_FILES.windows));
  if (ledbarsFile && windowsOk) checkLedbars(ledbarsFile, windowsFile.windows, f(LEDBARS_FILE), issues);
  if (docscanFile && windowsOk) checkDocscan(docscanFile, windowsFile.windows, f(DOCSCAN_FILE), issues);

  if (issues.length > 0 || !hallFile || !sectionsFile || !windowsFile || !calendarFile || !staffFile || !devicesFile) {
    throw new ConfigError(issues);
  }
  const { utcOffsetMinutes, holidays, workdays } = calendarFile;
  return {
    alerts: hallFile.alerts ?? DEFAULT_ALERTS,
    central: hallFile.central ?? structuredClone(CENTRAL_DEFAULTS),
    hall: hallFile.hall,
    setup: {
      sections: sectionsFile.sections,
      windows: windowsFile.windows,
      rules: hallFile.rules,
      calendar: { utcOffsetMinutes, holidays, workdays },
      ticketingHours: hallFile.ticketingHours,
    },
    kiosks: hallFile.kiosks,
    pad: hallFile.pad,
    voice: hallFile.voice,
    staff: staffFile.staff.map((s) => (s.photo ? { ...s, photo: resolve(dir, s.photo) } : s)),
    selfService: hallFile.selfService,
    devices: { devices: devicesFile.devices, agents: devicesFile.agents ?? [] },
    ledbars: ledbarsFile ?? null,
    docscan: docscanFile ?? null,
  };
}

/**
 * A whole setup as a manager sends it for a live change: the same schema and the same cross-checks as the
 * files in config/. Returns the setup or the issues (paths relative to the setup).
 */
export function checkSetup(value: unknown): { ok: true; setup: HallSetup } | { ok: false; issues: ConfigIssue[] } {
  const file = 'setup';
  const r = hallSetupSchema.safeParse(value);
  if (!r.success) return { ok: false, issues: zodIssues(file, r.error) };
  const issues: ConfigIssue[] = [];
  checkSections(r.data.sections, r.data.ticketingHours, file, issues);
  checkWindows(r.data.windows, r.data.sections, file, issues);
  checkCalendar({ ...r.data.calendar }, file, issues);
  if (r.data.ticketingHours) checkHours(r.data.ticketingHours, 'ticketingHours', file, issues);
  return issues.length ? { ok: false, issues } : { ok: true, setup: r.data };
}

// ---------------------------------------------------------------- checks across fields and files

/** Reports every later occurrence of a key already seen. */
function checkUnique<T>(
  items: readonly T[],
  key: (item: T) => string | number,
  path: (index: number) => string,
  what: string,
  file: string,
  issues: ConfigIssue[],
): void {
  const seen = new Map<string | number, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else issues.push({ file, path: path(i), message: `duplicate ${what} ${JSON.stringify(k)} (first at ${path(first)})`, code: 'duplicate', params: { value: String(k) } });
  });
}

function checkHours(hours: { open: string; close: string }, path: string, file: string, issues: ConfigIssue[]): void {
  if (hours.open >= hours.close) {
    issues.push({ file, path: `${path}.close`, message: `must be later than open (${hours.open})`, code: 'close_after_open', params: { open: hours.open } });
  }
}

function checkHallFile(h: z.output<typeof hallFileSchema>, file: string, issues: ConfigIssue[]): void {
  if (h.ticketingHours) checkHours(h.ticketingHours, 'ticketingHours', file, issues);
  if (h.selfService.hours) checkHours(h.selfService.hours, 'selfService.hours', file, issues);
  checkUnique(h.kiosks, (k) => k.id, (i) => `kiosks[${i}].id`, 'kiosk id', file, issues);
  if (h.hall.noticesEn && h.hall.noticesEn.length !== h.hall.notices.length) {
    issues.push({ file, path: 'hall.noticesEn', message: `must have one entry per notice (${h.hall.notices.length})`, code: 'one_per_entry', params: { n: h.hall.notices.length } });
  }
  if (h.pad.negativeReasonsEn.length !== h.pad.negativeReasons.length) {
    issues.push({
      file,
      path: 'pad.negativeReasonsEn',
      message: `must have one entry per reason in negativeReasons (${h.pad.negativeReasons.length})`,
      code: 'one_per_entry',
      params: { n: h.pad.negativeReasons.length },
    });
  }
  checkUnique(h.pad.negativeReasons, (r) => r, (i) => `pad.negativeReasons[${i}]`, 'reason', file, issues);
}

function checkSections(
  sections: Section[],
  ticketingHours: { open: string; close: string } | null,
  file: string,
  issues: ConfigIssue[],
): void {
  checkUnique(sections, (s) => s.id, (i) => `sections[${i}].id`, 'section id', file, issues);
  checkUnique(sections, (s) => s.prefix, (i) => `sections[${i}].prefix`, 'prefix', file, issues);
  // Service codes are unique across the hall: tickets and cases name a service by code alone.
  const services = sections.flatMap((s, si) => s.services.map((svc, vi) => ({ svc, at: `sections[${si}].services[${vi}]` })));
  checkUnique(services, (x) => x.svc.code, (i) => `${services[i]?.at}.code`, 'service code', file, issues);

  sections.forEach((s, si) => {
    s.services.forEach((svc, vi) => {
      if (svc.promisedLimitDays > svc.legalLimitDays) {
        issues.push({
          file,
          path: `sections[${si}].services[${vi}].promisedLimitDays`,
          message: `must be ≤ legalLimitDays (${svc.legalLimitDays})`,
          code: 'promised_over_legal',
          params: { legal: svc.legalLimitDays },
        });
      }
    });
    checkSlots(s, `sections[${si}]`, ticketingHours, file, issues);
  });
}

function checkSlots(
  s: Section,
  at: string,
  ticketingHours: { open: string; close: string } | null,
  file: string,
  issues: ConfigIssue[],
): void {
  s.appointmentSlots.forEach((slot, i) => {
    if (slot.start >= slot.end) {
      issues.push({ file, path: `${at}.appointmentSlots[${i}].end`, message: `must be later than start (${slot.start})`, code: 'end_after_start', params: { start: slot.start } });
    }
    // Hours that close before they open are reported on their own; every slot would also fall outside.
    if (ticketingHours && ticketingHours.open < ticketingHours.close && (slot.start < ticketingHours.open || slot.end > ticketingHours.close)) {
      issues.push({
        file,
        path: `${at}.appointmentSlots[${i}]`,
        message: `must lie within ticketingHours ${ticketingHours.open}–${ticketingHours.close} (hall.json)`,
        code: 'slot_outside_hours',
        params: { open: ticketingHours.open, close: ticketingHours.close },
      });
    }
  });
  // A booking names its slot by start time, so slots must not overlap.
  const order = s.appointmentSlots.map((slot, i) => ({ slot, i })).sort((a, b) => a.slot.start.localeCompare(b.slot.start));
  for (let k = 1; k < order.length; k++) {
    const prev = order[k - 1]!;
    const cur = order[k]!;
    if (cur.slot.start < prev.slot.end) {
      issues.push({
        file,
        path: `${at}.appointmentSlots[${cur.i}].start`,
        message: `overlaps appointmentSlots[${prev.i}] (${prev.slot.start}–${prev.slot.end})`,
        code: 'slot_overlap',
        params: { start: prev.slot.start, end: prev.slot.end },
      });
    }
  }
}

function checkWindows(
  windows: WindowConfig[],
  sections: Section[] | undefined,
  file: string,
  issues: ConfigIssue[],
): void {
  checkUnique(windows, (w) => w.id, (i) => `windows[${i}].id`, 'window id', file, issues);
  checkUnique(windows, (w) => w.number, (i) => `windows[${i}].number`, 'window number', file, issues);
  const known = sections ? new Set(sections.map((s) => s.id)) : undefined;

  windows.forEach((w, wi) => {
    checkUnique(w.sectionIds, (s) => s, (i) => `windows[${wi}].sectionIds[${i}]`, 'section id', file, issues);
    if (known) {
      w.sectionIds.forEach((sid, i) => {
        if (!known.has(sid)) {
          issues.push({ file, path: `windows[${wi}].sectionIds[${i}]`, message: `no section has id ${JSON.stringify(sid)} (sections.json)`, code: 'unknown_section', params: { id: sid } });
        }
      });
    }
    if (w.weights) {
      if (w.policy !== 'weighted') {
        issues.push({ file, path: `windows[${wi}].weights`, message: `only used with policy "weighted" (policy is "${w.policy}")`, code: 'weights_need_weighted' });
      }
      for (const sid of Object.keys(w.weights)) {
        if (!w.sectionIds.includes(sid)) {
          issues.push({ file, path: `windows[${wi}].weights.${sid}`, message: 'names a section this window does not serve', code: 'weight_not_served' });
        }
      }
    }
  });

  // A section no window serves would hand out tickets nobody can call.
  if (sections) {
    const served = new Set(windows.flatMap((w) => w.sectionIds));
    for (const s of sections) {
      if (!served.has(s.id)) {
        issues.push({ file, path: 'windows', message: `no window serves section ${JSON.stringify(s.id)} (${s.prefix} ${s.name})`, code: 'section_unserved', params: { prefix: s.prefix, name: s.name } });
      }
    }
  }
}

function checkCalendar(c: z.output<typeof calendarFileSchema>, file: string, issues: ConfigIssue[]): void {
  checkUnique(c.holidays, (d) => d, (i) => `holidays[${i}]`, 'date', file, issues);
  checkUnique(c.workdays, (d) => d, (i) => `workdays[${i}]`, 'date', file, issues);
  const holidays = new Set(c.holidays);
  c.workdays.forEach((d, i) => {
    if (holidays.has(d)) issues.push({ file, path: `workdays[${i}]`, message: `${d} is also listed as a holiday`, code: 'workday_is_holiday', params: { date: d } });
    // Weekdays are working days anyway: a weekday here is almost surely a typo.
    const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (dow !== 0 && dow !== 6) {
      issues.push({ file, path: `workdays[${i}]`, message: `${d} is a weekday; make-up workdays are Saturdays or Sundays`, code: 'workday_is_weekday', params: { date: d } });
    }
  });
}

function checkStaff(staff: StaffMember[], dir: string, file: string, issues: ConfigIssue[]): void {
  checkUnique(staff, (s) => s.id, (i) => `staff[${i}].id`, 'staff id', file, issues);
  checkUnique(staff, (s) => s.staffNo, (i) => `staff[${i}].staffNo`, 'staff number', file, issues);
  staff.forEach((s, i) => {
    if (!s.photo) return;
    const problem = photoFileProblem(resolve(dir, s.photo));
    if (problem) issues.push({ file, path: `staff[${i}].photo`, message: `${problem}: ${s.photo} (relative to ${displayName(dir, '.')})` });
  });
}

/** Largest seed photo file (the same bound as an upload). */
export const STAFF_PHOTO_MAX_BYTES = 10 * 1024 * 1024;

/** Why a staff photo file cannot be used, or null: it must be a readable JPEG, PNG or SVG file. */
function photoFileProblem(full: string): string | null {
  let size: number;
  try {
    const st = statSync(full);
    if (!st.isFile()) return 'photo is not a file';
    size = st.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'photo file not found' : `cannot read the photo file (${code ?? String(e)})`;
  }
  if (size > STAFF_PHOTO_MAX_BYTES) return `photo file is larger than ${STAFF_PHOTO_MAX_BYTES / 1024 / 1024} MB`;
  const head = Buffer.alloc(512);
  let n: number;
  try {
    const fd = openSync(full, 'r');
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return `cannot read the photo file (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
  const b = head.subarray(0, n);
  const jpeg = b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
  const png = b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const svg = /<svg[\s>]/.test(b.toString('utf8'));
  return jpeg || png || svg ? null : 'photo is not a JPEG, PNG or SVG file';
}
