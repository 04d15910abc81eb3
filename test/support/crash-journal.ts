// Child process for the journal crash test: appends as fast as it can with N appends in flight and prints
// each acknowledged seq on its own line. The parent kills it with SIGKILL and checks the journal.
// Usage: node --import tsx test/support/crash-journal.ts <dataDir> [inFlight=32] [recordsPerDay=0]

import { Journal } from '../../server/store/journal.js';

const [dir, inFlightArg, perDayArg] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: crash-journal.ts <dataDir> [inFlight] [recordsPerDay]\n');
  process.exit(2);
}
const inFlight = Number(inFlightArg ?? 32);
const perDay = Number(perDayArg ?? 0);

const journal = await Journal.open(dir);
// Continue the day sequence of an earlier run (records carry 1–2 events, so lastSeq only moves it ahead).
let issued = journal.lastSeq;

function dayOf(n: number): string {
  if (perDay <= 0) return '2025-03-03';
  const d = new Date(Date.UTC(2025, 2, 3) + Math.floor(n / perDay) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

async function worker(): Promise<void> {
  for (;;) {
    const n = issued++;
    // Records of one or two events, with CJK text, so lines vary in length and encoding.
    const bodies =
      n % 3 === 0
        ? [
            { type: 'WindowPaused' as const, windowId: `w${n % 12}`, reason: `午休 ${n}` },
            { type: 'WindowResumed' as const, windowId: `w${n % 12}` },
          ]
        : [{ type: 'TicketCancelled' as const, ticketId: `20250303-A${String(n).padStart(3, '0')}`, reason: '取消' }];
    const events = await journal.append(dayOf(n), Date.now(), bodies);
    // stdout on a pipe is synchronous on Linux: a printed seq was acknowledged before the kill.
    process.stdout.write(events.map((e) => e.seq).join('\n') + '\n');
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: inFlight }, () => worker()));
