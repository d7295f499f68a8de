import { isPinned, parseImage } from '../lib/common/image';

test.each([
  ['nginx', { repository: 'nginx' }],
  ['nginx:1.27', { repository: 'nginx', tag: '1.27' }],
  ['registry.example.com:5000/team/app:2.0.1', { repository: 'registry.example.com:5000/team/app', tag: '2.0.1' }],
  [`ghcr.io/org/app@sha256:${'a'.repeat(64)}`, { repository: 'ghcr.io/org/app', digest: `sha256:${'a'.repeat(64)}` }],
  [`app:1.0@sha256:${'b'.repeat(64)}`, { repository: 'app', tag: '1.0', digest: `sha256:${'b'.repeat(64)}` }],
  ['localhost:5000/app', { repository: 'localhost:5000/app' }],
])('parses %s', (ref, expected) => {
  expect(parseImage(ref)).toEqual(expected);
});

test.each([
  ['', /empty/],
  ['app:', /malformed tag/],
  // distribution/reference: a tag is at most 128 characters and starts with a word character.
  [`app:${'a'.repeat(129)}`, /malformed tag/],
  ['app:.1', /malformed tag/],
  ['App/x:1', /malformed repository/],
  ['app@sha256:xyz', /malformed digest/],
  ['app:1.0 ', /white space/],
])('rejects %j', (ref, reason) => {
  expect(parseImage(ref)).toMatch(reason);
});

test.each([
  ['nginx', false],
  ['nginx:latest', false],
  ['nginx:1.27.3', true],
  [`nginx@sha256:${'c'.repeat(64)}`, true],
])('%s pinned: %s', (ref, pinned) => {
  const image = parseImage(ref);
  if (typeof image === 'string') throw new Error(image);
  expect(isPinned(image)).toBe(pinned);
});

describe('default images', () => {
  const fs = require('fs') as typeof import('fs');
  const path = require('path') as typeof import('path');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require('../lib') as typeof import('../lib');
  const images: ReadonlyArray<readonly [string, string, string]> = [
    ['DEFAULT_ENVOY_IMAGE', lib.DEFAULT_ENVOY_IMAGE, 'docs/front-proxy.md'],
    ['DEFAULT_OTEL_COLLECTOR_IMAGE', lib.DEFAULT_OTEL_COLLECTOR_IMAGE, 'docs/telemetry.md'],
    ['FORTIO_IMAGE', lib.FORTIO_IMAGE, 'docs/monitoring-and-load-tests.md'],
    ['NGINX_UNPRIVILEGED_IMAGE', lib.NGINX_UNPRIVILEGED_IMAGE, 'docs/monitoring-and-load-tests.md'],
  ];

  test.each(images)('%s is pinned to a release tag and is the image its page states', (_name, image, page) => {
    const parsed = parseImage(image);
    expect(typeof parsed).not.toBe('string');
    expect(isPinned(parsed as Exclude<typeof parsed, string>)).toBe(true);
    // A release version in the tag (x.y.z), not a moving tag such as 'latest', 'distroless-dev' or '1.40'.
    expect((parsed as { tag?: string }).tag).toMatch(/(^|-v)\d+\.\d+\.\d+(-[a-z]+)?$/);
    expect(fs.readFileSync(path.join(__dirname, '..', page), 'utf8')).toContain(`\`${image}\``);
  });

  test.each(images)('%s has its upstream source cited beside it', (name) => {
    const source = fs.readdirSync(path.join(__dirname, '..', 'lib'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => fs.readFileSync(path.join(__dirname, '..', 'lib', f), 'utf8'))
      .find((text) => text.includes(`export const ${name} =`))!;
    const comment = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export const (\w+) =/g;
    const cited = [...source.matchAll(comment)].find((m) => m[2] === name)?.[1] ?? '';
    // A release named with where it was confirmed (a changelog, a release, a digest in public manifests).
    expect(cited).toMatch(/\d+\.\d+\.\d+/);
    expect(cited).toMatch(/changelog|CHANGES|release|digest|tag/i);
  });
});

test('a tag of 128 characters is the longest accepted', () => {
  expect(parseImage(`app:${'a'.repeat(128)}`)).toEqual({ repository: 'app', tag: 'a'.repeat(128), digest: undefined });
});
