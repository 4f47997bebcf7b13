import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { badRequest, FieldProblem } from './http-errors';

// C0 control characters but tab, LF and CR, and DEL. NUL cannot be stored in PostgreSQL text (a
// request carrying one used to end in a 500); the others have no place in any field of this API.
// Fields that must not hold line breaks either (ids, names, codes) say so in their DTO.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// A path parameter or a query value is an id, a code, a date or a number: no line breaks either.
const CONTROL_IN_PARAM = /[\u0000-\u001F\u007F]/;

/** Deepest nesting of objects and arrays in a body: no DTO nests more than a few levels. */
export const MAX_BODY_DEPTH = 32;

/** Longest string accepted anywhere in a query string or path (a DTO may set less). */
export const MAX_PARAM_LENGTH = 1024;

function problem(field: string, message: string): FieldProblem {
  return { field, problems: [message] };
}

/**
 * The control-character and path-length problems of one request input, every field named. Walks
 * objects and arrays iteratively (a deeply nested JSON body cannot exhaust the stack) and looks at
 * keys as well as values.
 */
export function strictInputProblems(
  value: unknown,
  where: 'body' | 'query' | 'param' | 'custom',
  root?: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  // Validation and class-transformer recurse: a body nested thousands deep would exhaust the stack.
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: root ?? '', depth: 0 }];
  const name = (path: string) => path || where;
  let visited = 0;
  while (stack.length > 0 && problems.length < 20) {
    const { v, path, depth } = stack.pop()!;
    if (depth > MAX_BODY_DEPTH) {
      problems.push(problem(name(path), `${where} must not nest objects and arrays more than ${MAX_BODY_DEPTH} deep`));
      break;
    }
    if (++visited > 100_000) {
      problems.push(problem(where, `${where} has too many values`));
      break;
    }
    if (typeof v === 'string') {
      if ((where === 'body' ? CONTROL : CONTROL_IN_PARAM).test(v))
        problems.push(problem(name(path), `${name(path)} must not contain control characters`));
      if (where !== 'body' && v.length > MAX_PARAM_LENGTH)
        problems.push(problem(name(path), `${name(path)} must be at most ${MAX_PARAM_LENGTH} characters`));
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}[${i}]`, depth: depth + 1 });
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v).reverse()) {
        const p = path ? `${path}.${k}` : k;
        if (CONTROL.test(k)) problems.push(problem(name(path), `${name(path)} has a key with control characters`));
        else stack.push({ v: child, path: p, depth: depth + 1 });
      }
    }
  }
  return problems;
}

/**
 * Runs before the validation pipe on every body, query string and path parameter: a string with
 * control characters (NUL above all) is a 400 naming the field, whatever the route's own checks.
 * Raw bodies (a route that parses its text itself) are checked too.
 */
@Injectable()
export class StrictInputPipe implements PipeTransform {
  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if (meta.type === 'custom') return value;
    // A single named query parameter (@Query('limit')) is one string: `?limit=1&limit=2` is not.
    if (meta.type === 'query' && meta.data && value !== undefined && typeof value !== 'string') {
      throw badRequest([problem(meta.data, `${meta.data} must be given once, as a single value`)], 'invalid query');
    }
    const problems = strictInputProblems(value, meta.type, meta.data);
    if (problems.length > 0)
      throw badRequest(problems, `invalid ${meta.type === 'param' ? 'path parameter' : meta.type}`);
    return value;
  }
}
