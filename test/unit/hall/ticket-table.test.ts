import { expect } from 'chai';
import { TicketTable } from '../../../server/hall/index.js';
import type { Ticket } from '../../../server/hall/types.js';
import { tableTicket as ticket } from './fixture.js';

const ids = (t: TicketTable) => t.values().map((x) => x.id);

describe('TicketTable', () => {
  it('keeps issue order and answers get/has across chunk boundaries', () => {
    const all = Array.from({ length: 200 }, (_, i) => ticket(i + 1));
    const t = TicketTable.of(all);
    expect(t.size).to.equal(200);
    expect(ids(t)).to.deep.equal(all.map((x) => x.id));
    expect([...t].map((x) => x.id)).to.deep.equal(all.map((x) => x.id));
    for (const x of [all[0]!, all[63]!, all[64]!, all[199]!]) {
      expect(t.get(x.id)).to.equal(x);
      expect(t.has(x.id)).to.equal(true);
    }
    expect(t.get('nope')).to.equal(undefined);
  });

  it('never changes an older table: replace and append leave it as it was', () => {
    const a = TicketTable.of([ticket(1), ticket(2)]);
    const b = a.with([{ ...ticket(1), status: 'called' }, ticket(3)]);
    expect(a.size).to.equal(2);
    expect(a.get(ticket(1).id)!.status).to.equal('waiting');
    expect(a.has(ticket(3).id)).to.equal(false);
    expect(b.size).to.equal(3);
    expect(b.get(ticket(1).id)!.status).to.equal('called');
    expect(ids(b)).to.deep.equal([ticket(1).id, ticket(2).id, ticket(3).id]);
  });

  it('keeps branches apart when two tables grow from the same one', () => {
    const base = TicketTable.of(Array.from({ length: 70 }, (_, i) => ticket(i + 1)));
    const left = base.with([ticket(100)]);
    const right = base.with([ticket(200)]);
    expect(left.has(ticket(100).id)).to.equal(true);
    expect(left.has(ticket(200).id)).to.equal(false);
    expect(right.has(ticket(200).id)).to.equal(true);
    expect(right.has(ticket(100).id)).to.equal(false);
    expect(base.has(ticket(100).id) || base.has(ticket(200).id)).to.equal(false);
    // Growing each branch further keeps them apart too.
    const left2 = left.with([ticket(101)]);
    const right2 = right.with([ticket(201)]);
    expect(ids(left2).slice(-2)).to.deep.equal([ticket(100).id, ticket(101).id]);
    expect(ids(right2).slice(-2)).to.deep.equal([ticket(200).id, ticket(201).id]);
    expect(left2.get(ticket(201).id)).to.equal(undefined);
  });

  it('with() of nothing new returns the same table; the same ticket twice in one call lands once', () => {
    const a = TicketTable.of([ticket(1)]);
    expect(a.with([])).to.equal(a);
    const b = a.with([ticket(2), { ...ticket(2), status: 'called' }]);
    expect(b.size).to.equal(2);
    expect(b.get(ticket(2).id)!.status).to.equal('called');
  });

  it('filters into a fresh table in the same order', () => {
    const t = TicketTable.of([ticket(1), ticket(2, { day: '2026-11-24' }), ticket(3)]);
    const f = t.filter((x) => x.day === '2026-11-23');
    expect(ids(f)).to.deep.equal([ticket(1).id, ticket(3).id]);
    expect(f.has(ticket(2).id)).to.equal(false);
  });

  it('round-trips through JSON as the plain {id: ticket} record', () => {
    const t = TicketTable.of([ticket(2), ticket(1)]);
    const json = JSON.parse(JSON.stringify(t)) as Record<string, Ticket>;
    expect(Object.keys(json)).to.deep.equal([ticket(2).id, ticket(1).id]);
    const back = TicketTable.fromJSON(json);
    expect(back.values()).to.deep.equal(t.values());
  });

  it('shows no internals to Object.values, and deep equality compares the tickets', () => {
    const a = TicketTable.of([ticket(1), ticket(2)]);
    expect(Object.values(a)).to.deep.equal([]);
    expect(a).to.deep.equal(TicketTable.of([ticket(1), ticket(2)]));
    expect(a).not.to.deep.equal(TicketTable.of([ticket(1), ticket(3)]));
    expect(a).not.to.deep.equal(TicketTable.of([ticket(1), { ...ticket(2), status: 'called' }]));
  });
});

describe('TicketTable use across the code', () => {
  it('is never read with Object.values/keys/entries, which would see no tickets', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const root = new URL('../../../', import.meta.url).pathname;
    const offenders: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(join(root, dir), { withFileTypes: true })) {
        const rel = join(dir, e.name);
        if (e.isDirectory()) await walk(rel);
        else if (/\.tsx?$/.test(e.name)) {
          const text = await readFile(join(root, rel), 'utf8');
          text.split('\n').forEach((line, i) => {
            if (/Object\.(values|keys|entries)\([^()]*\.tickets\)/.test(line)) offenders.push(`${rel}:${i + 1}`);
          });
        }
      }
    };
    for (const dir of ['server', 'test', 'bench']) await walk(dir);
    expect(offenders, 'use table.values() or iterate the table').to.deep.equal([]);
  });
});
