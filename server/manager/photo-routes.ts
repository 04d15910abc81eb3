// Clerks' photos over HTTP: a manager puts or removes an account's photo (the image itself as the body,
// image/jpeg or image/png), and anyone fetches a photo by the hash-named URL the pad and window screen are
// given. Every change goes to the audit log.

import express, { type Request } from 'express';
import type { Accounts, TokenClaims } from '../auth/accounts.js';
import { HallError } from '../errors.js';
import { bearer } from '../http/edge.js';
import { PHOTO_HEIGHT, PHOTO_MAX_BYTES, PHOTO_WIDTH, type StaffPhotos } from './photos.js';

const IMAGE_TYPES = ['image/jpeg', 'image/png'];

export interface PhotoRoutesOptions {
  photos: StaffPhotos;
  accounts: Accounts;
  /** The manager's audit log. */
  audit: { record(by: string, action: string, detail: string): Promise<void> };
}

export function photoRoutes({ photos, accounts, audit }: PhotoRoutesOptions): express.Router {
  const r = express.Router();

  const requireManager = (req: Request): TokenClaims => {
    const c = accounts.verifyToken(bearer(req.headers.authorization));
    if (c.role === 'clerk') throw new HallError('FORBIDDEN', '需要管理员权限 / manager role required');
    return c;
  };

  /** The same rule as other account changes: managers look after clerks, an admin after everyone. */
  const changeable = (req: Request): { by: string; username: string } => {
    const c = requireManager(req);
    const username = req.params.username as string;
    const acc = accounts.find(username);
    if (!acc) throw new HallError('NOT_FOUND', `未知账号 ${username} / unknown account`);
    if (c.role !== 'admin' && acc.role !== 'clerk') {
      throw new HallError('FORBIDDEN', '只有系统管理员可以修改管理账号 / only an admin changes manager accounts');
    }
    return { by: c.sub, username };
  };

  r.get('/manager/photos', (req, res) => {
    requireManager(req);
    res.json(photos.list());
  });

  r.put('/manager/accounts/:username/photo', express.raw({ type: IMAGE_TYPES, limit: PHOTO_MAX_BYTES }), async (req, res) => {
    const { by, username } = changeable(req);
    if (!req.is(IMAGE_TYPES) || !Buffer.isBuffer(req.body)) {
      throw new HallError('UNSUPPORTED_MEDIA_TYPE', '请以 image/jpeg 或 image/png 上传照片 / send the photo as image/jpeg or image/png');
    }
    const entry = await photos.set(username, req.body, 'upload');
    await audit.record(by, 'account.photo', `${username}: photo set (${PHOTO_WIDTH}×${PHOTO_HEIGHT} JPEG, ${entry.bytes} bytes, ${entry.version})`);
    res.json({ username, photoUrl: photos.urlOf(username) });
  });

  r.delete('/manager/accounts/:username/photo', async (req, res) => {
    const { by, username } = changeable(req);
    const had = await photos.remove(username);
    await audit.record(by, 'account.photo.remove', `${username}: ${had ? 'photo removed' : 'no photo (staff.json seed switched off)'}`);
    res.json({ username, photoUrl: null, removed: had });
  });

  // Public: the URL is the photo's hash, so it never names the clerk and a new photo is a new URL.
  r.get('/photos/:file', async (req, res) => {
    const found = await photos.read(req.params.file as string);
    if (!found) throw new HallError('NOT_FOUND', '没有这张照片 / no such photo');
    const etag = `"${found.version}"`;
    res.set({
      'cache-control': 'public, max-age=31536000, immutable',
      etag,
      'x-content-type-options': 'nosniff',
      'content-type': 'image/jpeg',
    });
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    res.end(found.jpeg);
  });

  return r;
}
