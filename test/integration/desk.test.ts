// The /desk namespace on the real server: the window clerk's console hears the window's card reader and
// code scanner. A card the reader cannot authenticate reaches the console as `card-error`, never as a read,
// and only the clerk of that window hears about it.

import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { SIM_CARD, until } from '../support/devices.js';

type Logged = Socket & { log: [string, any][] };

describe('/desk: the window card reader and scanner in the console (real server)', function () {
  this.timeout(30_000);
  let h: TestHall;
  const sockets: Socket[] = [];
  const input = (id: string, body: unknown) => api(h.url, 'POST', `/api/v1/sim/devices/${id}/input`, { body });
  const desk = async (token: string | undefined): Promise<Logged> => {
    const s = io(h.url + '/desk', { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true }) as Logged;
    sockets.push(s);
    s.log = [];
    s.onAny((name, payload) => s.log.push([name, payload]));
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', (e) => reject(Object.assign(new Error(e.message), { data: (e as any).data })));
    });
    return s;
  };

  before(async () => {
    h = await startTestHall();
    await until(async () => (await api(h.url, 'GET', '/api/v1/devices')).body.find((d: any) => d.id === 'w1-idcard')?.status === 'online', 'w1 reader online');
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await h.close();
  });

  it('refuses a socket without a clerk token signed in to a window', async () => {
    const err = await desk(undefined).then(() => null, (e) => e);
    expect(err?.data?.code).to.equal('UNAUTHORIZED');
  });

  it('sends an unreadable card as card-error with the reader code to that window only, and a good card as a masked read', async () => {
    const w1 = await desk(await login(h.url, 'staff1', 'staff123', 'w1'));
    const w2 = await desk(await login(h.url, 'staff2', 'staff123', 'w2'));

    expect((await input('w1-idcard', { unreadable: true })).status).to.equal(200);
    const [, failed] = await until(() => w1.log.find(([n]) => n === 'card-error'), 'card-error on w1');
    expect(failed).to.include({ windowId: 'w1', code: 'CARD_AUTH_FAILED' });
    expect(failed.message).to.be.a('string').and.not.empty;
    expect(w1.log.some(([n]) => n === 'card')).to.equal(false);

    // The failed card was taken away: the next swipe is read normally and announced masked.
    expect((await input('w1-idcard', { card: SIM_CARD })).status).to.equal(200);
    const [, read] = await until(() => w1.log.find(([n]) => n === 'card'), 'card on w1');
    expect(read.windowId).to.equal('w1');
    expect(read.nameMasked).to.include('*');
    expect(JSON.stringify(w1.log)).not.to.include(SIM_CARD.idNumber);
    expect(w2.log).to.deep.equal([]);
  });

  it('refuses a simulator input that is both a card and an unreadable card', async () => {
    const r = await input('w1-idcard', { card: SIM_CARD, unreadable: true });
    expect(r.status).to.equal(400);
    expect(r.body.error.code).to.equal('VALIDATION_FAILED');
  });
});
