import { IConstruct } from 'constructs';

/** One thing wrong with one prop. */
export interface PropProblem {
  /** The prop, dotted for nested props (`health.paths.live`). */
  readonly prop: string;
  /** What is wrong, as a sentence fragment: "must start with '/'". */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * A declaration the library cannot turn into a working manifest.
 *
 * Every line of the message names where (the construct path), which prop,
 * what is wrong and how to fix it, so that a failing `cdk8s synth` in CI can
 * be acted on without reading the library's source. All problems of one
 * construct are reported together.
 *
 * TypeScript and JavaScript only: jsii cannot carry a subclass of `Error`, so
 * in the other languages it arrives as the runtime's JavaScript error with the
 * same message (one line per problem).
 * @jsii ignore
 */
export class ConfigurationError extends Error {
  /** Path of the construct whose props are wrong. */
  public readonly constructPath: string;
  /** Every problem found, in the order the props were checked. */
  public readonly problems: PropProblem[];

  constructor(constructPath: string, problems: PropProblem[]) {
    // A prop may name a user's key (`env.<name>`), and a problem or fix may carry a value: each is
    // written with its control and invisible characters escaped, so one problem is one line.
    super(problems.map((p) => `${visible(cut(constructPath))}: '${visible(cut(p.prop))}' ${visible(p.problem)}. Fix: ${visible(p.fix)}`).join('\n'));
    this.name = 'ConfigurationError';
    this.constructPath = constructPath;
    this.problems = problems;
  }
}

/**
 * Takes a construct that failed out of the tree: a construct that throws
 * leaves nothing behind (no API object, no half-built child that a later
 * traversal would trip on), and its id can be used again.
 */
function withdraw(scope: IConstruct): void {
  scope.node.scope?.node.tryRemoveChild(scope.node.id);
}

/** What a prop must be at run time: `array` is an array, `object` any other object. */
export type PropKind = 'string' | 'number' | 'boolean' | 'function' | 'array' | 'object';

/** The kind of a value as {@link PropKind} names it; undefined for `undefined` and `null`. */
function kindOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? 'array' : typeof value;
}

/**
 * Problems of props, recorded as checks find them.
 * @internal
 */
export class PropProblems {
  /** The problems recorded, in order. */
  public readonly problems: PropProblem[] = [];

  /**
   * Records a problem unless `ok`. Returns `ok`, so dependent checks can be
   * skipped. A problem that quotes a value may be given as a function: it is
   * written only when there is a problem (a construct runs dozens of checks).
   */
  public check(ok: boolean, prop: string, problem: string | (() => string), fix: string): boolean {
    if (!ok) this.problems.push({ prop, problem: typeof problem === 'function' ? problem() : problem, fix });
    return ok;
  }
}

/**
 * Collects the problems of one construct's props, then throws them together,
 * taking the construct out of the tree first.
 * @internal
 */
export class PropChecker extends PropProblems {
  constructor(private readonly scope: IConstruct) {
    super();
  }

  /**
   * Records a problem unless `value` is present and of `kind`: TypeScript
   * callers cannot leave a required prop out, JavaScript callers can (and
   * can give a string where a function is due). Returns whether it is.
   */
  public required(prop: string, value: unknown, kind: PropKind, fix: string): boolean {
    const actual = kindOf(value);
    const an = (k: string) => `${/^[aeiou]/.test(k) ? 'an' : 'a'} ${k}`;
    return this.check(actual === kind, prop, () => (actual === undefined ? `is missing: ${an(kind)} is required` : `must be ${an(kind)}, not ${an(actual)}`), fix);
  }

  /**
   * Checks the required props of a construct (`props` itself may be missing)
   * and throws at once if one is missing or of the wrong kind: nothing built
   * on them could be checked.
   */
  public requireProps(props: unknown, required: Readonly<Record<string, readonly [PropKind, string]>>): void {
    const given = (typeof props === 'object' && props !== null ? props : {}) as Record<string, unknown>;
    for (const [prop, [kind, fix]] of Object.entries(required)) this.required(prop, given[prop], kind, fix);
    this.throwIfAny();
  }

  /** Whether a problem has been recorded. */
  public get failed(): boolean {
    return this.problems.length > 0;
  }

  /**
   * Throws a {@link ConfigurationError} listing every recorded problem, if
   * any, after removing the construct (with whatever it made) from its parent.
   */
  public throwIfAny(): void {
    if (this.problems.length > 0) {
      const path = this.scope.node.path;
      withdraw(this.scope);
      throw new ConfigurationError(path, this.problems);
    }
  }
}

/**
 * Builds a child construct from props the user gave its parent, so that a
 * mistake in them is reported as the parent's: the path the user declared and
 * the prop names of the parent (which the child shares). When the child
 * throws, the parent is taken out of the tree too: it cannot be half-built.
 * @internal
 */
export function asOwnProps<T>(scope: IConstruct, build: () => T): T {
  try {
    return build();
  } catch (e) {
    const path = scope.node.path;
    withdraw(scope);
    if (e instanceof ConfigurationError && e.constructPath !== path) throw new ConfigurationError(path, e.problems);
    throw e;
  }
}

/** Longest part of a user value quoted in an error message. */
const QUOTE_LIMIT = 200;

/**
 * Control characters (C0, DEL, C1), line and paragraph separators, and the
 * invisible or direction-changing characters (soft hyphen, Arabic letter
 * mark, zero-width characters, bidirectional marks, embeddings, overrides and
 * isolates, word joiner and invisible operators, byte order mark): characters
 * that can end a line, hide text or reorder what a reader sees.
 * @internal
 */
// eslint-disable-next-line no-control-regex
export const INVISIBLE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;
const INVISIBLE_CHARACTERS = new RegExp(INVISIBLE_CHARACTER.source, 'g');

/** A character as an escape: `\n`, `\r`, `\t`, else `\uXXXX`. */
function escapeCharacter(c: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Text with its control and invisible characters escaped. */
function visible(text: string): string {
  return text.replace(INVISIBLE_CHARACTERS, escapeCharacter);
}

/** A value that is not a string, as text: what `String()` gives, or its type where that throws (an object without a prototype). */
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Text cut to 200 characters, saying how long it was. */
function cut(text: string): string {
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…(${text.length} characters)` : text;
}

/**
 * A user value as an error message quotes it: in double quotes, control and
 * invisible characters escaped (`\n`, `\u202e`), cut to 200 characters. A
 * value carrying a newline or a right-to-left override cannot then forge a
 * line of the message.
 * @internal
 */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : describe(value);
  return `"${visible(cut(text).replace(/["\\]/g, (c) => `\\${c}`))}"`;
}
