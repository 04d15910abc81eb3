import { expect } from 'chai';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { PHOTO_HEIGHT, PHOTO_MAX_PIXELS, PHOTO_WIDTH, normalisePhoto, StaffPhotos } from '../../../server/manager/photos.js';
import { HallError } from '../../../server/errors.js';
import { claimedPng, exifJpeg } from '../../support/images.js';
import { brokenCopy, configErrorOf, copyConfig, expectSingleIssue, removeCopies } from '../config/helpers.js';
import { loadConfig } from '../../../config/schema.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(HallError);
    return (e as HallError).code;
  }
  return 'accepted';
}

describe('staff photos: normalising an image', () => {
  it('turns a JPEG upright by its EXIF orientation, crops it to the portrait size and strips all metadata', async () => {
    const input = await exifJpeg();
    const before = await sharp(input).metadata();
    expect(before.orientation).to.equal(6);
    expect(before.exif!.includes('SECRET-OWNER')).to.equal(true);

    const out = await normalisePhoto(input);
    const m = await sharp(out).metadata();
    expect(m.format).to.equal('jpeg');
    expect([m.width, m.height]).to.deep.equal([PHOTO_WIDTH, PHOTO_HEIGHT]);
    expect(m.exif, 'EXIF (GPS, copyright)').to.equal(undefined);
    expect(m.icc).to.equal(undefined);
    expect(m.xmp).to.equal(undefined);
    expect(m.iptc).to.equal(undefined);
    expect(m.orientation).to.equal(undefined);
    expect(out.includes('SECRET-OWNER')).to.equal(false);
    // Turned 90° clockwise, the red left half is on top and the blue right half at the bottom.
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    const [r1, , b1] = px(150, 40);
    const [r2, , b2] = px(150, 360);
    expect(r1).to.be.greaterThan(200);
    expect(b1).to.be.lessThan(60);
    expect(b2).to.be.greaterThan(200);
    expect(r2).to.be.lessThan(60);
  });

  it('takes a PNG with transparency and puts it on white', async () => {
    const png = await sharp({ create: { width: 600, height: 800, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const out = await normalisePhoto(png);
    const m = await sharp(out).metadata();
    expect([m.format, m.width, m.height, m.hasAlpha]).to.deep.equal(['jpeg', PHOTO_WIDTH, PHOTO_HEIGHT, false]);
    const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).to.be.greaterThan(240);
  });

  it('refuses bytes that are not an image, other formats, empty bodies and truncated files', async () => {
    expect(await codeOf(normalisePhoto(Buffer.from('this is not a picture at all')))).to.equal('INVALID_IMAGE');
    expect(await codeOf(normalisePhoto(Buffer.alloc(0)))).to.equal('INVALID_IMAGE');
    const gif = await sharp({ create: { width: 30, height: 40, channels: 3, background: '#888' } }).gif().toBuffer();
    expect(await codeOf(normalisePhoto(gif))).to.equal('INVALID_IMAGE');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="30" height="40"><rect width="30" height="40"/></svg>');
    expect(await codeOf(normalisePhoto(svg)), 'an uploaded SVG').to.equal('INVALID_IMAGE');
    expect(await codeOf(normalisePhoto(svg, 'config')), 'an SVG of the hall configuration').to.equal('accepted');
    const jpeg = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#4a8' } }).jpeg().toBuffer();
    expect(await codeOf(normalisePhoto(jpeg.subarray(0, Math.floor(jpeg.length / 2))))).to.equal('INVALID_IMAGE');
  });

  it('refuses a small file that claims more pixels than the server decodes, without decoding it', async () => {
    const bomb = claimedPng(20000, 20000);
    expect(bomb.length).to.be.lessThan(2000);
    expect(20000 * 20000).to.be.greaterThan(PHOTO_MAX_PIXELS);
    expect(await codeOf(normalisePhoto(bomb))).to.equal('IMAGE_TOO_LARGE');
  });
});

describe('staff photos: the store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hall-photos-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    removeCopies();
  });

  const jpegOf = (colour: string) => sharp({ create: { width: 600, height: 800, channels: 3, background: colour } }).jpeg().toBuffer();

  it('names a photo by its hash, never by the account, and keeps it across a restart', async () => {
    const photos = await StaffPhotos.open(dir);
    const changed: string[] = [];
    photos.onChange((u) => changed.push(u));
    expect(photos.urlOf('wangfang')).to.equal(undefined);
    await photos.set('wangfang', await jpegOf('#c33'));
    const url = photos.urlOf('wangfang')!;
    expect(url).to.match(/^\/api\/v1\/photos\/[0-9a-f]{24}\.jpg$/);
    expect(url).not.to.contain('wangfang');
    expect(changed).to.deep.equal(['wangfang']);

    const again = await StaffPhotos.open(dir);
    expect(again.urlOf('wangfang')).to.equal(url);
    const read = await again.read(url.split('/').pop()!);
    expect((await sharp(read!.jpeg).metadata()).width).to.equal(PHOTO_WIDTH);
    expect(await again.read('0123456789abcdef01234567.jpg'), 'a hash no account has').to.equal(undefined);
    expect(await again.read('../index.json'), 'a path').to.equal(undefined);
  });

  it('gives a new photo a new URL and removes the old file; removal forgets both', async () => {
    const photos = await StaffPhotos.open(dir);
    await photos.set('staff1', await jpegOf('#c33'));
    const first = photos.urlOf('staff1')!;
    await photos.set('staff1', await jpegOf('#33c'));
    const second = photos.urlOf('staff1')!;
    expect(second).not.to.equal(first);
    expect(await photos.read(first.split('/').pop()!)).to.equal(undefined);
    expect(readdirSync(dir).filter((n) => n.endsWith('.jpg'))).to.deep.equal([second.split('/').pop()]);
    expect(await photos.remove('staff1')).to.equal(true);
    expect(photos.urlOf('staff1')).to.equal(undefined);
    expect(readdirSync(dir).filter((n) => n.endsWith('.jpg'))).to.deep.equal([]);
    expect(await photos.remove('staff1')).to.equal(false);
  });

  it('forgets the photos of accounts that are gone, files included', async () => {
    const photos = await StaffPhotos.open(dir);
    await photos.set('staff1', await jpegOf('#c33'));
    await photos.set('staff2', await jpegOf('#3c3'));
    const url2 = photos.urlOf('staff2')!;
    expect(await photos.retainOnly(['staff2', 'admin'])).to.deep.equal(['staff1']);
    expect(photos.urlOf('staff1')).to.equal(undefined);
    expect(photos.urlOf('staff2')).to.equal(url2);
    expect(readdirSync(dir).filter((n) => n.endsWith('.jpg'))).to.deep.equal([url2.split('/').pop()]);
    expect((await StaffPhotos.open(dir)).urlOf('staff1')).to.equal(undefined);
  });

  it('sweeps files a crash left without an index entry', async () => {
    const photos = await StaffPhotos.open(dir);
    await photos.set('staff1', await jpegOf('#c33'));
    writeFileSync(join(dir, 'aaaaaaaaaaaaaaaaaaaaaaaa.jpg'), 'orphan');
    writeFileSync(join(dir, '.bbbbbbbbbbbbbbbbbbbbbbbb.jpg.123.tmp'), 'half');
    const again = await StaffPhotos.open(dir);
    expect(readdirSync(dir).sort()).to.deep.equal([again.urlOf('staff1')!.split('/').pop()!, 'index.json']);
  });

  it('seeds photos from staff.json unless a manager uploaded or removed one, and again when the seed file changes', async () => {
    const seedDir = await mkdtemp(join(tmpdir(), 'hall-seeds-'));
    try {
      const seed = join(seedDir, 'a.png');
      writeFileSync(seed, await sharp({ create: { width: 300, height: 400, channels: 3, background: '#0a0' } }).png().toBuffer());
      const photos = await StaffPhotos.open(dir);
      const items = [
        { username: 'staff1', file: seed },
        { username: 'staff2', file: seed },
        { username: 'staff3', file: seed },
        { username: 'staff4', file: join(seedDir, 'missing.png') },
      ];
      await photos.set('staff2', await jpegOf('#c33'));
      await photos.remove('staff3');
      const r = await photos.seed(items);
      expect(r.seeded).to.deep.equal(['staff1']);
      expect(r.failed.map((f) => f.username)).to.deep.equal(['staff4']);
      expect(photos.entry('staff1')!.source).to.equal('config');
      expect(photos.entry('staff2')!.source).to.equal('upload');
      expect(photos.urlOf('staff3')).to.equal(undefined);
      const first = photos.urlOf('staff1');
      expect((await photos.seed(items)).seeded, 'unchanged seed').to.deep.equal([]);
      writeFileSync(seed, await sharp({ create: { width: 300, height: 400, channels: 3, background: '#00a' } }).png().toBuffer());
      expect((await photos.seed(items)).seeded, 'edited seed').to.deep.equal(['staff1']);
      expect(photos.urlOf('staff1')).not.to.equal(first);
    } finally {
      await rm(seedDir, { recursive: true, force: true });
    }
  });
});

describe('staff photos in staff.json', () => {
  afterEach(removeCopies);

  it('resolves the demo portraits relative to the config folder', () => {
    const dir = copyConfig();
    const staff = loadConfig(dir).staff;
    expect(staff.every((s) => s.photo && s.photo.startsWith(dir) && existsSync(s.photo))).to.equal(true);
  });

  it('reports a missing photo file with its field', () => {
    const dir = brokenCopy('staff.json', (j) => {
      j.staff[2].photo = 'photos/nobody.jpg';
    });
    const msg = expectSingleIssue(configErrorOf(dir), '/staff.json', 'staff[2].photo');
    expect(msg).to.match(/photo file not found: photos\/nobody\.jpg/);
  });

  it('reports a file that is not a picture, and a folder', () => {
    const dir = brokenCopy('staff.json', (j) => {
      j.staff[0].photo = 'hall.json';
      j.staff[1].photo = 'photos';
    });
    const err = configErrorOf(dir);
    expect(err.issues.map((i) => `${i.path}: ${i.message.split(':')[0]}`)).to.deep.equal(['staff[0].photo: photo is not a JPEG, PNG or SVG file', 'staff[1].photo: photo is not a file']);
  });
});
