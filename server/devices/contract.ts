// Wire shapes of the device registry: GET /devices, /health.devices, the /manager `devices` event, the
// /kiosk stream and the /agent namespace. Shared by the server, the agent and the pages.

export type DeviceStatus = 'online' | 'offline' | 'fault';

export interface DeviceCountersView {
  framesSent: number;
  framesReceived: number;
  timeouts: number;
  discardedBytes: number;
  reconnects: number;
}

/** One entry of GET /api/v1/devices. */
export interface DeviceView {
  id: string;
  kind: string;
  /** How it is reached: `sim:kiosk-1-printer`, `serial:/dev/ttyUSB0@115200`, `tcp:10.0.0.5:9100`, `agent:kiosk-pc-2`. */
  transport: string;
  simulated: boolean;
  attachedTo?: string;
  status: DeviceStatus;
  /** Stable code of the condition when not plainly online (PAPER_OUT, COVER_OPEN, DEVICE_TIMEOUT, PORT_UNAVAILABLE, …). */
  code?: string;
  detail?: string;
  /** ISO time the status last changed. */
  since: string;
  /** ISO time of the last byte from the device, null before the first. */
  lastSeen: string | null;
  counters: DeviceCountersView;
}

/** /kiosk `card`: a card was read at this kiosk. Masked fields only; the identity stays on the server. */
export interface KioskCardEvent {
  kioskId: string;
  /** 张*三 */
  nameMasked: string;
  /** ISO; `useCard` on POST /tickets takes this read until then. */
  usableUntil: string;
}

/** /kiosk `card-error`: a card was on the reader but could not be read. */
export interface KioskCardErrorEvent {
  kioskId: string;
  code: string;
  message: string;
}

/** /kiosk `scan`: a code was scanned at this kiosk; `appointment` when it is a booking code of the hall. */
export interface KioskScanEvent {
  kioskId: string;
  code: string;
  appointment?: { code: string; sectionId: string; serviceCode?: string; date: string; slotStart: string; status: string };
}

// ---------------------------------------------------------------- /agent namespace

/** Handshake `auth` of an agent. */
export interface AgentAuth {
  agentId: string;
  key: string;
}

/** agent → server `health` */
export interface AgentHealthMessage {
  deviceId: string;
  status: DeviceStatus;
  code?: string;
  detail?: string;
  since: number;
  lastSeen: number | null;
  counters: DeviceCountersView;
  /** The agent-side transport, e.g. `serial:/dev/ttyUSB0@115200`. */
  transport: string;
  simulated: boolean;
}

/** agent → server `card`: the decoded card text as the reader read it (goes no further than the server). */
export interface AgentCardMessage {
  deviceId: string;
  /** drivers/idcard/codec.ts CardText */
  card: Record<string, unknown>;
}

export interface AgentScanMessage {
  deviceId: string;
  code: string;
}

/** server → agent `print`, acked with a PrintOutcome. */
export interface AgentPrintMessage {
  deviceId: string;
  /** base64 ESC/POS */
  bytes: string;
  expiresInMs: number;
}

/** server → agent `sim-input` (demo mode), acked with {ok} or {error}. */
export interface AgentSimInputMessage {
  deviceId: string;
  input: unknown;
}
