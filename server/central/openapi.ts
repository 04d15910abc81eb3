// The central interface's OpenAPI document (docs/central-api.yaml) as a checker: which operation a request
// names, whether its parameters and body match the document, and whether an answer does. The mock central
// system refuses anything off the contract with it, and the contract tests hold the hall's requests and the
// mock's answers against it. OpenAPI 3.1 schemas are JSON Schema 2020-12, so Ajv's 2020 dialect reads them.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

export const CENTRAL_API_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'central-api.yaml');

// ajv-formats is CommonJS with a default export; under NodeNext its default arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/** A validator compiled on first call: the errors, empty when the value matches. */
type Lazy = (x: unknown) => ErrorObject[];

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: unknown;
}

interface Operation {
  operationId: string;
  method: string;
  template: string;
  pattern: RegExp;
  pathParams: string[];
  parameters: { p: Parameter; validate: Lazy }[];
  body: Lazy | null;
  bodyRequired: boolean;
  responses: Map<string, Lazy | null>;
}

export interface RequestToCheck {
  method: string;
  /** Path without the query string. */
  path: string;
  query?: Record<string, unknown>;
  /** Header names in lower case (as node gives them). */
  headers?: Record<string, string | string[] | undefined>;
  body?: unknown;
}

export type RequestCheck =
  | { ok: true; operationId: string; params: Record<string, string> }
  | { ok: false; status: 400 | 404 | 405; code: 'VALIDATION_FAILED' | 'NOT_FOUND' | 'METHOD_NOT_ALLOWED'; message: string; issues: string[] };

function describe(errors: ErrorObject[] | null | undefined, where: string): string[] {
  return (errors ?? []).map((e) => `${where}${e.instancePath || ''}: ${e.message ?? 'invalid'}`);
}

type Json = Record<string, unknown>;

let loaded: CentralContract | undefined;

export class CentralContract {
  readonly document: Json;
  readonly version: string;
  private readonly ops: Operation[] = [];

  private constructor(doc: Json) {
    this.document = doc;
    this.version = String((doc.info as Json | undefined)?.version ?? '');
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    // The schemas refer to each other as '#/components/...': register them under one id and resolve there.
    ajv.addSchema({ $id: 'central-api', components: doc.components }, 'central-api');
    // Compiled on first use: compiling every schema up front costs about a second, which every hall start
    // and every test would pay.
    const compile = (schema: unknown): Lazy => {
      let fn: ValidateFunction | null = null;
      return (x: unknown) => {
        fn ??= ajv.compile(rebase(schema) as object);
        return fn(x) ? [] : (fn.errors ?? []);
      };
    };
    const resolveRef = <T>(x: unknown): T => {
      const ref = (x as { $ref?: string }).$ref;
      if (!ref) return x as T;
      let cur: unknown = doc;
      for (const part of ref.replace(/^#\//, '').split('/')) cur = (cur as Json)[part];
      return resolveRef<T>(cur);
    };
    for (const [template, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
      for (const method of ['get', 'post', 'put', 'delete', 'patch']) {
        const op = item[method] as Json | undefined;
        if (!op) continue;
        const pathParams: string[] = [];
        const pattern = new RegExp(
          '^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => (pathParams.push(name), '([^/]+)')) + '$',
        );
        const parameters = ((op.parameters ?? []) as unknown[]).map((raw) => {
          const p = resolveRef<Parameter>(raw);
          return { p, validate: compile(p.schema) };
        });
        const rb = op.requestBody ? resolveRef<Json>(op.requestBody) : null;
        const bodySchema = rb ? ((rb.content as Json)?.['application/json'] as Json | undefined)?.schema : undefined;
        const responses = new Map<string, Lazy | null>();
        for (const [status, raw] of Object.entries((op.responses ?? {}) as Json)) {
          const r = resolveRef<Json>(raw);
          const s = ((r.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
          responses.set(status, s ? compile(s) : null);
        }
        this.ops.push({
          operationId: String(op.operationId),
          method: method.toUpperCase(),
          template,
          pattern,
          pathParams,
          parameters,
          body: bodySchema ? compile(bodySchema) : null,
          bodyRequired: rb?.required === true,
          responses,
        });
      }
    }
  }

  /** The document's checker; the default document is read and compiled once per process. */
  static load(file: string = CENTRAL_API_FILE): CentralContract {
    if (file === CENTRAL_API_FILE) return (loaded ??= new CentralContract(parseYaml(readFileSync(file, 'utf8')) as Json));
    return new CentralContract(parseYaml(readFileSync(file, 'utf8')) as Json);
  }

  operations(): { operationId: string; method: string; path: string }[] {
    return this.ops.map((o) => ({ operationId: o.operationId, method: o.method, path: o.template }));
  }

  /** The operation a request names and whether its parameters and body match the document. */
  checkRequest(req: RequestToCheck): RequestCheck {
    const candidates = this.ops.map((op) => ({ op, m: op.pattern.exec(req.path) })).filter((x) => x.m);
    if (candidates.length === 0) return { ok: false, status: 404, code: 'NOT_FOUND', message: `no such path: ${req.path}`, issues: [] };
    const hit = candidates.find((x) => x.op.method === req.method.toUpperCase());
    if (!hit) return { ok: false, status: 405, code: 'METHOD_NOT_ALLOWED', message: `${req.method} not allowed on ${req.path}`, issues: [] };
    const { op, m } = hit;
    const params: Record<string, string> = {};
    op.pathParams.forEach((name, i) => (params[name] = decodeURIComponent(m![i + 1]!)));
    const issues: string[] = [];
    for (const { p, validate } of op.parameters) {
      let value: unknown;
      if (p.in === 'path') value = params[p.name];
      else if (p.in === 'query') value = req.query?.[p.name];
      else value = req.headers?.[p.name.toLowerCase()];
      if (Array.isArray(value)) value = value[0];
      if (value === undefined) {
        if (p.required) issues.push(`${p.in} ${p.name}: required`);
        continue;
      }
      const errs = validate(value);
      if (errs.length) issues.push(...describe(errs, `${p.in} ${p.name}`));
    }
    if (op.body) {
      if (req.body === undefined || req.body === null) {
        if (op.bodyRequired) issues.push('body: required');
      } else {
        issues.push(...describe(op.body(req.body), 'body'));
      }
    }
    if (issues.length) return { ok: false, status: 400, code: 'VALIDATION_FAILED', message: issues.slice(0, 5).join('; '), issues };
    return { ok: true, operationId: op.operationId, params };
  }

  /** Problems of an answer against the document (empty when it matches). */
  checkResponse(operationId: string, status: number, body: unknown): string[] {
    const op = this.ops.find((o) => o.operationId === operationId);
    if (!op) return [`unknown operation ${operationId}`];
    if (!op.responses.has(String(status))) return [`status ${status} is not documented for ${operationId}`];
    const v = op.responses.get(String(status));
    if (!v) return [];
    return describe(v(body), `response ${status}`);
  }
}

/** Points the document's local refs ('#/components/…') at the registered 'central-api' schema. */
function rebase(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(rebase);
  if (x && typeof x === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(x as Json)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `central-api${v}` : rebase(v);
    }
    return out;
  }
  return x;
}

