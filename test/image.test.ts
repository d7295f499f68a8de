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
