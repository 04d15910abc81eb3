// HTTP answers the pages read that contract.ts does not name (API.md and the server's extensions).

import type { WindowStatus, WindowView } from '../server/realtime/contract.js';

/** GET /api/v1/hall */
export interface HallInfo {
  name: string;
  nameEn?: string;
  notices: string[];
  noticesEn?: string[];
  demo: boolean;
  /** The hall's time when the answer was made, with the hall's UTC offset. */
  now?: string;
  kiosks: { id: string; name: string; nameEn?: string }[];
  windows: WindowView[];
}

/** GET /api/v1/windows (API.md): the fields the sign-in form needs. */
export interface WindowListItem {
  id: string;
  number: number;
  name: string;
  nameEn?: string;
  sectionIds: string[];
  status: WindowStatus;
  current?: { number: string };
}

/** POST /api/v1/auth/login */
export interface LoginAnswer {
  token: string;
  role: string;
  windowId?: string;
}
