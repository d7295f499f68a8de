import { Manifest, describeContainer } from '../model';
import { Level, Rule } from '../rule';

/**
 * OBS-SEC2: the root filesystem is read-only. (OBS-SEC1, non-root and
 * unprivileged, is retired: the Pod Security Standards rules, OBS-PSS-*,
 * check the same and more.)
 */
export const readOnlyRoot: Rule = {
  id: 'OBS-SEC2',
  level: Level.WARNING,
  title: 'read-only root filesystem',
  explanation: 'A writable root filesystem lets an intruder persist tools and lets the app write state that disappears with the pod.',
  fix: 'Set readOnlyRootFilesystem: true and mount an emptyDir where the app writes (ObservableService mounts /tmp).',
  check: (model) => model.workloads.flatMap((w) => w.containers
    .filter((c) => c.container.securityContext?.readOnlyRootFilesystem !== true)
    .map((c) => ({ resource: w.resource, message: `${describeContainer(c)} has a writable root filesystem` }))),
};

/** Variable names that hold a credential: a key, token, password or secret. */
const CREDENTIAL_NAME = /(^|[_.-])(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH_?KEY|CREDENTIALS?)($|[_.-])/i;
/** A value that only refers to other variables (`$(VAR)`, the collector's `${env:VAR}`) carries no credential itself. */
const ONLY_REFERENCES = /^(\s*(\$\([A-Za-z_][A-Za-z0-9_.-]*\)|\$\{env:[A-Za-z_][A-Za-z0-9_]*\}|\$\{[A-Za-z_][A-Za-z0-9_]*\})\s*)+$/;
/** An Authorization header in an argument, with what follows it. */
const AUTHORIZATION = /\bauthorization\s*[:=]\s*(.*)$/i;
/** A credential in a URL's query string. */
const URL_CREDENTIAL = /[?&](api[_-]?key|apikey|access[_-]?token|token|password|secret)=([^&\s]+)/i;
/** A variable reference: `$(VAR)` (Kubernetes expands it from the container's env) or `${env:VAR}` (the collector's config). */
const REFERENCE = /\$\([A-Za-z_][A-Za-z0-9_.-]*\)|\$\{env:[A-Za-z_][A-Za-z0-9_]*\}/g;
/** What may stand beside the references in an Authorization value: a scheme and a `key=` prefix (`Bearer `, `Token token=`). */
const SCHEME_ONLY = /^\s*([A-Za-z][A-Za-z0-9-]*)?(\s+[A-Za-z_]+=)?\s*['"]?\s*$/;

/** Whether an Authorization value takes its credential from variables only. */
function fromVariables(value: string): boolean {
  return value.match(REFERENCE) !== null && SCHEME_ONLY.test(value.replace(REFERENCE, ''));
}

/** The credentials a string (an argument, an env value) carries as literals: an Authorization header, a URL's key or token. */
function literalsIn(text: string, where: string): string[] {
  const header = AUTHORIZATION.exec(text);
  const url = URL_CREDENTIAL.exec(text);
  return [
    ...(header && !fromVariables(header[1]) ? [`${where} carries an Authorization header with a literal credential`] : []),
    ...(url && !ONLY_REFERENCES.test(decodeURIComponentSafe(url[2])) ? [`${where} carries a URL with a literal ${url[1]}=`] : []),
  ];
}

/** The credential-looking literals of one container. */
function credentialLiterals(container: Manifest): string[] {
  const literal = ((container.env ?? []) as Manifest[]).filter((e) => typeof e?.value === 'string' && e.value.trim() !== '' && !ONLY_REFERENCES.test(e.value));
  const env = literal.flatMap((e) => (CREDENTIAL_NAME.test(String(e.name)) ? [`env ${e.name} holds a literal value`] : literalsIn(e.value, `env ${e.name}`)));
  const args = [...(container.command ?? []), ...(container.args ?? [])].flatMap((word) => literalsIn(String(word), 'an argument'));
  return [...new Set([...env, ...args])];
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** OBS-SEC3: no credential is written into the manifest in plain text. */
export const noPlaintextCredentials: Rule = {
  id: 'OBS-SEC3',
  level: Level.ERROR,
  title: 'no plaintext credentials',
  explanation: 'A key, token or password in an env value or a command line is in the manifest, the repository and `kubectl describe` for anyone who can read them; a Secret is access-controlled and rotates without a rebuild.',
  fix: 'Keep the credential in a Secret: env valueFrom.secretKeyRef, and `$(VAR)` in args to use it (LoadTest secretHeaders does this for request headers).',
  check: (model) => model.workloads.flatMap((w) => w.containers.flatMap((c) => {
    const found = credentialLiterals(c.container);
    return found.length > 0 ? [{ resource: w.resource, message: `${describeContainer(c)}: ${found.join('; ')}` }] : [];
  })),
};
