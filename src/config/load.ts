import { access } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { configSchema, type Config, type ServiceConfig } from './schema.js';
import { readTextFile } from '../util/files.js';

import { CONFIG_FILE } from './file-name.js';

export { CONFIG_FILE };

/** Anchors and aliases may expand to at most this many nodes (a "billion laughs" stops here). */
const MAX_ALIASES = 100;

/** One service to plan: its config with the defaults merged in and its data file resolved. */
export interface Service extends ServiceConfig {
  /** Absolute path of the CSV. */
  file: string;
  /** Whether `data` was a glob that matched several files (one service each). */
  expanded: boolean;
}

export interface LoadedConfig {
  path: string;
  config: Config;
  services: Service[];
}

function closest(word: string, candidates: string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [
      i,
      ...new Array<number>(b.length).fill(0),
    ]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(
          d[i - 1][j] + 1,
          d[i][j - 1] + 1,
          d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
        );
      }
    }
    return d[a.length][b.length];
  };
  const best = candidates.map((c) => ({ c, d: distance(word, c) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.c : undefined;
}

function dotted(path: PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/** The keys an object at `path` may have, for "did you mean" hints. */
function allowedKeys(path: PropertyKey[]): string[] {
  let schema: z.ZodType = configSchema;
  for (const part of path) {
    const def = (schema as unknown as { def: Record<string, unknown> }).def;
    if (def.type === 'default' || def.type === 'optional') schema = def.innerType as z.ZodType;
    const inner = (schema as unknown as { def: Record<string, unknown> }).def;
    if (inner.type === 'array') schema = inner.element as z.ZodType;
    else if (inner.type === 'object')
      schema = (inner.shape as Record<string, z.ZodType>)[String(part)];
    if (!schema) return [];
  }
  for (;;) {
    const def = (schema as unknown as { def: Record<string, unknown> }).def;
    if (def.type === 'default' || def.type === 'optional') schema = def.innerType as z.ZodType;
    else break;
  }
  const def = (schema as unknown as { def: Record<string, unknown> }).def;
  return def.type === 'object' ? Object.keys(def.shape as object) : [];
}

/**
 * Reads and checks headroom.yaml. Every problem is reported at once, each with its line, the
 * field's path, the value found and what is allowed, so one run shows everything to fix.
 */
export async function loadConfig(path: string): Promise<LoadedConfig> {
  const text = await readTextFile(
    path,
    'the config',
    '`headroom init <csv>` writes a starter headroom.yaml from a CSV it inspects',
  );
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new UserError(
      doc.errors
        .map((e) => {
          const at = lines.linePos(e.pos[0]);
          return `${path}:${at.line}:${at.col}: ${e.message.split('\n')[0]}`;
        })
        .join('\n'),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new UserError(
      `${path}: too many aliases: its anchors and aliases expand to more than ${MAX_ALIASES} copies (${error.message})`,
      'write the values out, or use fewer aliases',
    );
  }
  const lineOf = (p: PropertyKey[]): string => {
    const node = doc.getIn(p as unknown[], true) as
      { range?: [number, number, number] } | undefined;
    return node?.range ? `:${lines.linePos(node.range[0]).line}` : '';
  };
  const problems: string[] = [];
  const parsed = configSchema.safeParse(data ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const allowed = allowedKeys(issue.path);
          const guess = closest(key, allowed);
          problems.push(
            `${path}${lineOf([...issue.path, key])}: ${dotted([...issue.path, key])}: unknown key${guess ? ` (did you mean '${guess}'?)` : ''}; allowed here: ${allowed.join(', ')}`,
          );
        }
        continue;
      }
      const value = issue.path.reduce<unknown>(
        (at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key],
        data,
      );
      const found = value === undefined ? 'nothing' : JSON.stringify(value);
      problems.push(
        `${path}${lineOf(issue.path)}: ${dotted(issue.path) || '(top level)'}: ${issue.message.replace(/^Invalid input: /, '')}, found ${found}`,
      );
    }
  }
  // Data files are checked even when the schema failed, so one run reports every problem.
  const base = dirname(resolve(path));
  const rawServices = (data as { services?: unknown } | null)?.services;
  const files = await Promise.all(
    (Array.isArray(rawServices) ? rawServices : []).map(async (service: unknown, i) => {
      const given = (service as { data?: unknown } | null)?.data;
      if (typeof given !== 'string' || given === '') return [];
      const found = await dataFiles(base, given);
      if (found.length === 0) {
        problems.push(
          `${path}${lineOf(['services', i, 'data'])}: services[${i}].data: no file matches '${given}'`,
        );
      }
      return found;
    }),
  );
  if (!parsed.success || problems.length > 0) {
    throw new UserError(problems.join('\n'), 'see "Config file" in the README for every key');
  }
  const config = parsed.data;
  const services: Service[] = [];
  const names = new Set<string>();
  config.services.forEach((raw, i) => {
    for (const file of files[i]) {
      const name = files[i].length > 1 ? `${raw.name}-${basename(file, extname(file))}` : raw.name;
      if (names.has(name)) {
        problems.push(
          `${path}${lineOf(['services', i, 'name'])}: services[${i}].name: '${name}' is used twice`,
        );
      }
      names.add(name);
      services.push({
        ...config.defaults,
        ...raw,
        name,
        file,
        expanded: files[i].length > 1,
      } as Service);
    }
  });
  if (problems.length > 0) throw new UserError(problems.join('\n'));
  return { path, config, services };
}

/** The files a service's `data` names: one path, or every match of a glob (sorted). */
async function dataFiles(base: string, given: string): Promise<string[]> {
  const pattern = isAbsolute(given) ? given : resolve(base, given);
  if (/[*?[{]/.test(given)) return (await glob(pattern, { absolute: true })).sort();
  try {
    await access(pattern);
    return [pattern];
  } catch {
    return [];
  }
}
