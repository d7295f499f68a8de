import { quote } from './errors';

/** The parts of a container image reference: `[registry/]repository[:tag][@digest]`. */
export interface ImageReference {
  /** The repository, with its registry when one is named. */
  readonly repository: string;
  /** The tag, if any. */
  readonly tag?: string;
  /** The digest (`sha256:...`), if any. */
  readonly digest?: string;
}

/** A container image reference as given, with its parts. */
export interface ParsedImage extends ImageReference {
  /** The reference as given. */
  readonly ref: string;
}

// Grammar of github.com/distribution/reference (reference.go), simplified to the parts we read.
/** A tag: a word character, then word characters, '.' and '-', 128 at most (TagRegexp, `[\w][\w.-]{0,127}`; the length apart, for a faster match). */
const TAG = /^\w[\w.-]*$/;
const TAG_MAX_LENGTH = 128;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const REGISTRY = /^(?:[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;
/** The longest name (registry and repository) a reference may have (reference.go, NameTotalLengthMax). */
const NAME_TOTAL_LENGTH_MAX = 255;

/** Parses an image reference, or returns why it is not one. */
export function parseImage(ref: string): ImageReference | string {
  if (typeof ref !== 'string') return `(${quote(ref)}) must be an image reference`;
  if (ref.trim().length === 0) return 'is empty';
  if (/\s/.test(ref)) return `(${quote(ref)}) contains white space`;
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return `(${quote(ref)}) has a malformed digest ${quote(digest)}`;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (tag.length > TAG_MAX_LENGTH || !TAG.test(tag)) return `(${quote(ref)}) has a malformed tag ${quote(tag)}`;
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry && !REGISTRY.test(first)) return `(${quote(ref)}) has a malformed registry ${quote(first)}`;
  const path = hasRegistry ? rest.slice(slash + 1) : rest;
  if (!REPOSITORY.test(path)) {
    return `(${quote(ref)}) has a malformed repository ${quote(path)}: lower-case letters, digits and separators only`;
  }
  if (rest.length > NAME_TOTAL_LENGTH_MAX) return `(${quote(ref)}) has a name of ${rest.length} characters; at most ${NAME_TOTAL_LENGTH_MAX} are allowed`;
  return { repository: rest, tag, digest };
}

/**
 * Whether an image is pinned to a version: a digest, or a tag other than
 * `latest`. An unpinned image makes a rollback or a node replacement pull
 * different code.
 */
export function isPinned(image: ImageReference): boolean {
  return image.digest !== undefined || (image.tag !== undefined && image.tag !== 'latest');
}
