import * as fs from 'fs';
import * as path from 'path';
import { PRODUCTION_READINESS_RULES } from '../lib';
import { RULE_TABLE_BEGIN, RULE_TABLE_END, ruleTable, withRuleTable } from '../lib/readiness/rule-table';

const README = path.join(__dirname, '..', 'docs', 'readiness.md');

test('the rule table of docs/readiness.md is the one the rule objects give (run `node tools/docs-rules.js` after changing a rule)', () => {
  const doc = fs.readFileSync(README, 'utf8');
  const block = doc.slice(doc.indexOf(RULE_TABLE_BEGIN) + RULE_TABLE_BEGIN.length, doc.indexOf(RULE_TABLE_END)).trim();
  expect(block).toBe(ruleTable());
  expect(withRuleTable(doc)).toBe(doc);
});

test('the table has a row per rule, with its level and fix', () => {
  const rows = ruleTable().split('\n').slice(2);
  expect(rows.map((r) => r.split(' | ')[0].slice(2))).toEqual(PRODUCTION_READINESS_RULES.map((r) => r.id));
  expect(rows.find((r) => r.startsWith('| OBS-CAP2 '))).toMatch(/^\| OBS-CAP2 \| error \(warning without an autoscaler\) \| autoscaler covers the peak \| /);
  // A pipe in a rule's text cannot break the table.
  expect(ruleTable([{ ...PRODUCTION_READINESS_RULES[0], fix: 'a | b' }]).split('\n')[2]).toMatch(/ a \\\| b \|$/);
});

test('the generator refuses a document without the markers', () => {
  expect(() => withRuleTable('# no table here')).toThrow(/markers are missing/);
});
