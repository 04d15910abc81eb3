import { expect } from 'chai';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DeviceError } from '../../../drivers/errors.js';
import { measureSkew, normalizePage } from '../../../drivers/docscan/normalize.js';
import { HotFolderSource, SaneSource, SimulatedScanSource, simulatedPage } from '../../../drivers/docscan/sources.js';
import { DocumentScanner } from '../../../drivers/docscan/scanner.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(DeviceError);
    return (e as DeviceError).code;
  }
  return 'resolved';
}

describe('document scanner: page normalising', function () {
  this.timeout(30_000);

  for (const skew of [1.5, -2.5, 4]) {
    it(`measures a page lying ${skew}° crooked to within a quarter degree`, async () => {
      const measured = await measureSkew(await simulatedPage(1, 1, skew));
      expect(Math.abs(measured - skew)).to.be.at.most(0.25);
    });
  }

  it('finds no skew on a straight page or a blank one', async () => {
    expect(await measureSkew(await simulatedPage(1, 1, 0))).to.equal(0);
    const blank = await sharp({ create: { width: 800, height: 1100, channels: 3, background: '#ffffff' } }).png().toBuffer();
    expect(await measureSkew(blank)).to.equal(0);
  });

  it('makes a one-channel JPEG of the set width, straightened', async () => {
    const page = await normalizePage(await simulatedPage(1, 1, 2), { width: 800 });
    const meta = await sharp(page.jpeg).metadata();
    expect(meta.format).to.equal('jpeg');
    expect(meta.channels).to.equal(1);
    expect(meta.width).to.equal(800);
    expect(page.width).to.equal(800);
    expect(Math.abs(page.skewDegrees - 2)).to.be.at.most(0.25);
    // Straightened: what is left of the skew is within the measuring step.
    expect(Math.abs(await measureSkew(page.jpeg))).to.be.at.most(0.5);
    expect(page.jpeg.length).to.be.lessThan(200_000);
  });

  it('does not enlarge a narrow page, and turns an EXIF-rotated photo upright', async () => {
    const small = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#808080' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const page = await normalizePage(small);
    expect([page.width, page.height]).to.deep.equal([200, 300]);
  });

  it('refuses bytes that are not an image', async () => {
    expect(await codeOf(normalizePage(Buffer.from('not an image')))).to.equal('BAD_ARGUMENT');
  });
});

describe('document scanner: hot folder', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotfolder-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes every image the scanner saved, in name order, once they stop changing, and moves them to taken/', async () => {
    const a = await simulatedPage(1, 1, 0);
    const b = await simulatedPage(1, 2, 0);
    await writeFile(join(dir, 'scan-0002.png'), b);
    await writeFile(join(dir, 'scan-0001.png'), a);
    await writeFile(join(dir, 'notes.txt'), 'not a page');
    const src = new HotFolderSource({ dir, settleMs: 100, pollMs: 20 });
    const pages = await src.scan();
    expect(pages.map((p) => p.equals(a) ? 'a' : p.equals(b) ? 'b' : '?')).to.deep.equal(['a', 'b']);
    expect((await readdir(dir)).sort()).to.deep.equal(['notes.txt', 'taken']);
    expect((await readdir(join(dir, 'taken'))).map((n) => n.replace(/^.*?-scan/, 'scan')).sort()).to.deep.equal(['scan-0001.png', 'scan-0002.png']);
  });

  it('waits for a page that arrives after the scan was asked for', async () => {
    const src = new HotFolderSource({ dir, settleMs: 100, pollMs: 20, waitMs: 5000 });
    const scanning = src.scan();
    setTimeout(() => void simulatedPage(2, 1, 0).then((png) => writeFile(join(dir, 'late.png'), png)), 150);
    expect(await scanning).to.have.length(1);
  });

  it('gives up with DEVICE_TIMEOUT when nothing arrives, and reports a missing folder as not there', async () => {
    expect(await codeOf(new HotFolderSource({ dir, waitMs: 100, pollMs: 20 }).scan())).to.equal('DEVICE_TIMEOUT');
    const gone = new HotFolderSource({ dir: join(dir, 'missing') });
    expect(await gone.probe()).to.deep.include({ present: false });
    expect(await codeOf(gone.scan())).to.equal('DEVICE_OFFLINE');
  });
});

describe('document scanner: SANE scanimage', function () {
  this.timeout(30_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sane-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A stand-in for scanimage: lists one device, writes its arguments down, and scans a PNG. */
  async function fakeScanimage(): Promise<string> {
    const png = join(dir, 'page.png');
    await writeFile(png, await simulatedPage(1, 1, 0));
    const script = join(dir, 'scanimage');
    await writeFile(
      script,
      `#!/bin/sh
echo "$@" >> "${dir}/args"
if [ "$1" = "-L" ]; then echo "device \\\`fake:0' is a Fake flatbed scanner"; exit 0; fi
for a in "$@"; do case "$a" in --batch=*) p="\${a#--batch=}"; cp "${png}" "$(printf "$p" 1)"; cp "${png}" "$(printf "$p" 2)"; exit 7;; esac; done
cat "${png}"
`,
    );
    await chmod(script, 0o755);
    return script;
  }

  it('reports the scanner as not there when scanimage is not installed', async () => {
    const src = new SaneSource({ command: join(dir, 'no-such-scanimage') });
    expect(await src.probe()).to.deep.equal({ present: false, detail: `${join(dir, 'no-such-scanimage')} not installed (Debian package sane-utils)` });
    expect(await codeOf(src.scan())).to.equal('DEVICE_OFFLINE');
  });

  it('reports the scanner as not there when SANE lists no such device', async () => {
    const command = await fakeScanimage();
    expect(await new SaneSource({ command, device: 'epson2:net:10.0.0.9' }).probe()).to.deep.equal({ present: false, detail: 'SANE lists no device epson2:net:10.0.0.9' });
    expect(await new SaneSource({ command, device: 'fake:0' }).probe()).to.deep.equal({ present: true, detail: 'Fake flatbed scanner' });
  });

  it('scans one flatbed page from stdout, asking for PNG, gray and the resolution', async () => {
    const command = await fakeScanimage();
    const pages = await new SaneSource({ command, device: 'fake:0', resolution: 300 }).scan();
    expect(pages).to.have.length(1);
    expect(pages[0]!.subarray(1, 4).toString('latin1')).to.equal('PNG');
    const args = (await readFile(join(dir, 'args'), 'utf8')).trim().split('\n').pop();
    expect(args).to.equal('--device-name=fake:0 --format=png --mode=Gray --resolution=300');
  });

  it('scans every sheet of the feeder in batch mode and takes "out of documents" as the normal end', async () => {
    const command = await fakeScanimage();
    const pages = await new SaneSource({ command, source: 'ADF' }).scan();
    expect(pages).to.have.length(2);
  });

  it('asks the real scanimage on this machine, and reports what it finds or that it is not installed', async () => {
    const p = await new SaneSource().probe();
    if (p.present) expect(p.detail).to.be.a('string').and.not.equal('');
    else expect(p.detail).to.be.oneOf(['scanimage not installed (Debian package sane-utils)', 'SANE finds no scanner']);
  });
});

describe('document scanner device', function () {
  this.timeout(30_000);

  it('normalises every page of a simulated scan and counts it', async () => {
    const scanner = new DocumentScanner('docscan-w3', new SimulatedScanSource({ pages: 3, skewDegrees: 1.5 }), { width: 600 });
    const pages = await scanner.scan();
    expect(pages.map((p) => p.width)).to.deep.equal([600, 600, 600]);
    expect(pages.every((p) => Math.abs(p.skewDegrees - 1.5) <= 0.25)).to.equal(true);
    expect(scanner.health()).to.include({ status: 'online', scans: 1, pages: 3, failures: 0 });
  });

  it('refuses a second scan while one runs, and a scan of a scanner that is not there', async () => {
    const src = new SimulatedScanSource({ pages: 1 });
    const scanner = new DocumentScanner('d', src);
    const first = scanner.scan();
    expect(await codeOf(scanner.scan())).to.equal('DEVICE_BUSY');
    await first;
    src.present = false;
    expect(await codeOf(scanner.scan())).to.equal('DEVICE_OFFLINE');
    expect(scanner.health()).to.include({ status: 'offline', failures: 1, scans: 1 });
  });
});
