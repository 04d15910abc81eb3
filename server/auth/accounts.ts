// Accounts and tokens. Passwords are scrypt hashes; tokens are HMAC-signed and expire, so they survive a
// server restart without a session table. A clerk's token names one window; the hall also checks that the
// clerk is still the one signed in there, so a colleague taking over the window ends the old token's rights.

import { randomBytes, scrypt as scryptCb, timingSafeEqual, createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import type { Low } from 'lowdb';
import { openDocument } from '../store/durable-file.js';
import { HallError } from '../errors.js';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
// N=2^14, r=8: about 50 ms per hash here, a fair cost for a sign-in and a real one for a guesser.
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export type Role = 'clerk' | 'manager' | 'admin';

export interface Account {
  username: string;
  role: Role;
  name: string;
  staffNo: string;
  salt: string;
  hash: string;
  /** Demo accounts exist only while the hall runs in demo mode. */
  demo: boolean;
  createdAt: string;
  disabled?: boolean;
  /** Raised whenever a change must end the account's existing tokens (disabled, role or password changed). */
  gen?: number;
}

/** What a manager may change on an account; `password` is the new password in the clear (hashed here). */
export interface AccountChange {
  name?: string;
  staffNo?: string;
  role?: Role;
  disabled?: boolean;
  password?: string;
}

interface AccountsDoc {
  accounts: Account[];
}

export interface TokenClaims {
  sub: string;
  role: Role;
  win?: string;
  iat: number;
  exp: number;
  /** The account's `gen` when the token was issued; a token of an older generation is refused. */
  gen?: number;
}

export interface NewAccount {
  username: string;
  password: string;
  role: Role;
  name: string;
  staffNo: string;
  demo?: boolean;
}

export class Accounts {
  private readonly revokeListeners: ((username: string) => void)[] = [];

  private constructor(
    private readonly db: Low<AccountsDoc>,
    private readonly secret: Buffer,
    private readonly ttlSeconds: number,
    private readonly now: () => number,
  ) {}

  static async open(file: string, secret: Buffer, opts: { ttlSeconds?: number; now?: () => number } = {}): Promise<Accounts> {
    const db = await openDocument<AccountsDoc>(file, { accounts: [] });
    return new Accounts(db, secret, opts.ttlSeconds ?? 12 * 3600, opts.now ?? Date.now);
  }

  list(): Account[] {
    return this.db.data.accounts;
  }

  find(username: string): Account | undefined {
    return this.db.data.accounts.find((a) => a.username === username);
  }

  async add(a: NewAccount): Promise<Account> {
    if (this.find(a.username)) throw new HallError('VALIDATION_FAILED', `account ${a.username} exists`);
    const salt = randomBytes(16);
    const hash = await scrypt(a.password, salt, 32, SCRYPT);
    const acc: Account = {
      username: a.username,
      role: a.role,
      name: a.name,
      staffNo: a.staffNo,
      salt: salt.toString('base64'),
      hash: hash.toString('base64'),
      demo: a.demo ?? false,
      createdAt: new Date(this.now()).toISOString(),
    };
    this.db.data.accounts.push(acc);
    await this.db.write();
    return acc;
  }

  /**
   * Changes an account. Disabling it, changing its role or its password ends every token it holds at once
   * (the generation in the token no longer matches); listeners then close its live sockets.
   */
  async update(username: string, change: AccountChange): Promise<{ account: Account; revoked: boolean }> {
    const acc = this.find(username);
    if (!acc) throw new HallError('NOT_FOUND', `未知账号 ${username} / unknown account`);
    const revoked =
      (change.disabled === true && !acc.disabled) || (change.role !== undefined && change.role !== acc.role) || change.password !== undefined;
    if (change.name !== undefined) acc.name = change.name;
    if (change.staffNo !== undefined) acc.staffNo = change.staffNo;
    if (change.role !== undefined) acc.role = change.role;
    if (change.disabled !== undefined) {
      if (change.disabled) acc.disabled = true;
      else delete acc.disabled;
    }
    if (change.password !== undefined) {
      const salt = randomBytes(16);
      acc.salt = salt.toString('base64');
      acc.hash = (await scrypt(change.password, salt, 32, SCRYPT)).toString('base64');
    }
    if (revoked) acc.gen = (acc.gen ?? 0) + 1;
    await this.db.write();
    if (revoked) for (const fn of this.revokeListeners) fn(username);
    return { account: acc, revoked };
  }

  /** Called with the username whenever an account's tokens were ended by `update`. */
  onRevoked(fn: (username: string) => void): void {
    this.revokeListeners.push(fn);
  }

  /** Demo accounts must not outlive demo mode. */
  async removeDemoAccounts(): Promise<number> {
    const before = this.db.data.accounts.length;
    this.db.data.accounts = this.db.data.accounts.filter((a) => !a.demo);
    const removed = before - this.db.data.accounts.length;
    if (removed) await this.db.write();
    return removed;
  }

  async verify(username: string, password: string): Promise<Account> {
    const acc = this.find(username);
    // Hash even for an unknown user so response time does not reveal which names exist.
    const salt = acc ? Buffer.from(acc.salt, 'base64') : Buffer.alloc(16);
    const hash = await scrypt(password, salt, 32, SCRYPT);
    if (!acc || acc.disabled || !timingSafeEqual(hash, Buffer.from(acc.hash, 'base64'))) {
      throw new HallError('UNAUTHORIZED', '用户名或密码错误 / wrong username or password');
    }
    return acc;
  }

  issueToken(acc: Account, windowId?: string): { token: string; claims: TokenClaims } {
    const iat = Math.floor(this.now() / 1000);
    const claims: TokenClaims = { sub: acc.username, role: acc.role, iat, exp: iat + this.ttlSeconds };
    if (acc.gen) claims.gen = acc.gen;
    if (windowId) claims.win = windowId;
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `v1.${body}.${this.sign(body)}`, claims };
  }

  verifyToken(token: string | undefined): TokenClaims {
    if (!token) throw new HallError('UNAUTHORIZED', '需要登录 / sign-in required');
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== 'v1') throw new HallError('UNAUTHORIZED', '令牌无效 / invalid token');
    const [, body, sig] = parts as [string, string, string];
    const want = Buffer.from(this.sign(body));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) throw new HallError('UNAUTHORIZED', '令牌无效 / invalid token');
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      throw new HallError('UNAUTHORIZED', '令牌无效 / invalid token');
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.now()) {
      throw new HallError('TOKEN_EXPIRED', '登录已过期，请重新登录 / sign-in expired');
    }
    const acc = this.find(claims.sub);
    if (!acc || acc.disabled || acc.role !== claims.role || (claims.gen ?? 0) !== (acc.gen ?? 0)) throw new HallError('UNAUTHORIZED', '账号不可用 / account unavailable');
    return claims;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
