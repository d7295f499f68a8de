import { dns1035LabelError, dns1123LabelError, labelValueError, qualifiedNameError } from '../lib/common/names';

test.each(['web', 'journal-api', 'a1', 'a'.repeat(63)])('%s is a DNS-1035 label', (name) => {
  expect(dns1035LabelError(name)).toBeUndefined();
});

test.each(['1web', 'Web', 'web-', 'web_api', '', 'a'.repeat(64)])('%j is not a DNS-1035 label', (name) => {
  expect(dns1035LabelError(name)).toBeDefined();
});

test('a DNS-1123 label may start with a digit', () => {
  expect(dns1123LabelError('1team')).toBeUndefined();
  expect(dns1123LabelError('Team')).toBeDefined();
});

test.each(['app', 'eks.amazonaws.com/nodegroup', 'app.kubernetes.io/name', 'a_b.c-d'])('%s is a qualified name', (key) => {
  expect(qualifiedNameError(key)).toBeUndefined();
});

test.each(['', 'a/b/c', '/name', 'UPPER.example.com/x', 'name-', `${'a'.repeat(64)}`])('%j is not a qualified name', (key) => {
  expect(qualifiedNameError(key)).toBeDefined();
});

test.each(['', '1.2.3', 'v1_beta-2'])('%j is a label value', (value) => {
  expect(labelValueError(value)).toBeUndefined();
});

test.each(['1.2.3+build', '-x', 'a b', 'a'.repeat(64)])('%j is not a label value', (value) => {
  expect(labelValueError(value)).toBeDefined();
});
