// The agent's own file (HALL_AGENT_CONFIG, default ./agent.json): where the hall server is, who this agent
// is, and on which local port each of its devices hangs. Kinds and options come from the server's
// devices.json, so a hall keeps its settings in one place.

import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { z } from 'zod';
import { transportSchema } from '../config/devices.js';
import type { LocalTransportConfig } from '../drivers/factory.js';

const localTransport = transportSchema.refine((t) => t.type !== 'agent', { error: 'an agent device needs a local transport' });

export const agentFileSchema = z.strictObject({
  /** The hall server, e.g. http://192.168.1.10:8080 */
  server: z.url({ protocol: /^https?$/ }),
  agentId: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  key: z.string().min(16).max(256),
  /** device id (as in the server's devices.json) → local transport */
  transports: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/), localTransport),
});

export interface AgentFile {
  server: string;
  agentId: string;
  key: string;
  transports: Record<string, LocalTransportConfig>;
}

export function loadAgentFile(path: string): AgentFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
  const r = agentFileSchema.safeParse(data);
  if (!r.success) {
    throw new Error(r.error.issues.map((i) => `${path}: ${i.path.join('.') || '(file)'}: ${i.message}`).join('\n'));
  }
  return r.data as AgentFile;
}

export interface AgentFileWatch {
  /** The file parsed and valid after a change. */
  onChange(file: AgentFile): void;
  /** The file changed but cannot be used (the running agent keeps its settings). */
  onError(err: Error): void;
  /** How often the file's modification time is checked. Default 2000 ms. */
  intervalMs?: number;
}

/**
 * Follows the agent's file: each time it is saved, it is read again and handed over when valid. Polls the
 * modification time rather than using inotify, so an editor that saves by renaming a new file over the old
 * one is seen too. Returns the function that stops watching.
 */
export function watchAgentFile(path: string, w: AgentFileWatch): () => void {
  const listener = (cur: Stats, prev: Stats) => {
    if (cur.mtimeMs === prev.mtimeMs && cur.size === prev.size) return;
    if (cur.nlink === 0 && cur.mtimeMs === 0) return w.onError(new Error(`${path}: file removed; keeping the current settings`));
    let next: AgentFile;
    try {
      next = loadAgentFile(path);
    } catch (err) {
      return w.onError(err as Error);
    }
    w.onChange(next);
  };
  watchFile(path, { interval: w.intervalMs ?? 2000, persistent: false }, listener);
  return () => unwatchFile(path, listener);
}
