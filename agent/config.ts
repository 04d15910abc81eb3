// The agent's own file (HALL_AGENT_CONFIG, default ./agent.json): where the hall server is, who this agent
// is, and on which local port each of its devices hangs. Kinds and options come from the server's
// devices.json, so a hall keeps its settings in one place.

import { readFileSync } from 'node:fs';
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
  return parseAgentText(path, readFileSync(path, 'utf8'));
}

export interface AgentFileWatch {
  /** The file parsed and valid after a change. */
  onChange(file: AgentFile): void;
  /** The file changed but cannot be used (the running agent keeps its settings). */
  onError(err: Error): void;
  /** How often the file is read. Default 2000 ms. */
  intervalMs?: number;
}

function parseAgentText(path: string, text: string): AgentFile {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
  const r = agentFileSchema.safeParse(data);
  if (!r.success) {
    throw new Error(r.error.issues.map((i) => `${path}: ${i.path.join('.') || '(file)'}: ${i.message}`).join('\n'));
  }
  return r.data as AgentFile;
}

/**
 * Follows the agent's file: each time its content changes, it is read again and handed over when valid.
 * Polls rather than using inotify, so an editor that saves by renaming a new file over the old one is seen
 * too. What it compares is the content, read once at the start: a save is never missed however late the
 * first poll comes, and a save of the same content is no change. A broken content is reported only once it
 * has stayed the same for a poll, so a file caught halfway through being written is not reported as broken.
 * Returns the function that stops watching.
 */
export function watchAgentFile(path: string, w: AgentFileWatch): () => void {
  const read = (): string | null => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  };
  let current = read();
  let pending: string | null = null;
  let reported: string | null = null;
  let missing = false;
  const poll = () => {
    const text = read();
    if (text === null) {
      if (!missing && current !== null) w.onError(new Error(`${path}: file removed; keeping the current settings`));
      missing = true;
      return;
    }
    missing = false;
    if (text === current) {
      pending = null;
      return;
    }
    let next: AgentFile;
    try {
      next = parseAgentText(path, text);
    } catch (err) {
      if (pending === text && reported !== text) {
        reported = text;
        w.onError(err as Error);
      }
      pending = text;
      return;
    }
    current = text;
    pending = null;
    reported = null;
    w.onChange(next);
  };
  const timer = setInterval(poll, w.intervalMs ?? 2000);
  timer.unref();
  return () => clearInterval(timer);
}
