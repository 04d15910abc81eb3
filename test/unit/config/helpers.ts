// Temp copies of the shipped config with one thing broken, so each test names the mistake it makes.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError, configDir, loadConfig } from '../../../config/schema.js';

const made: string[] = [];

/** A fresh copy of config/ in a temp folder. */
export function copyConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hall-config-'));
  cpSync(configDir, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  made.push(dir);
  return dir;
}

export function removeCopies(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// The files are data of unknown shape until the loader has checked them; tests poke at them freely.
type Json = any;

/** Copies config/, applies `edit` to one parsed file, writes it back. */
export function brokenCopy(file: string, edit: (json: Json) => void): string {
  const dir = copyConfig();
  const full = join(dir, file);
  const json: Json = JSON.parse(readFileSync(full, 'utf8'));
  edit(json);
  writeFileSync(full, JSON.stringify(json, null, 2));
  return dir;
}

/** Loads `dir`, expects a ConfigError, returns it. */
export function configErrorOf(dir: string): ConfigError {
  try {
    loadConfig(dir);
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return e as ConfigError;
  }
  expect.fail('loadConfig accepted a broken configuration');
}

/** Expects exactly one problem, in `file` at `path`, and returns its line from the error message. */
export function expectSingleIssue(err: ConfigError, file: string, path: string): string {
  expect(err.code).to.equal('CONFIG_INVALID');
  expect(err.issues, err.message).to.have.length(1);
  const issue = err.issues[0]!;
  expect(issue.file.endsWith(file), issue.file).to.equal(true);
  expect(issue.path).to.equal(path);
  expect(err.message).to.contain(`${issue.file}: ${path}`);
  return err.message;
}
