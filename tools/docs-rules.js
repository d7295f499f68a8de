// Rewrites the rule table of docs/readiness.md from PRODUCTION_READINESS_RULES
// (the block between the rules:begin and rules:end markers). Run after
// changing a rule: `node tools/docs-rules.js`. test/rule-table.test.ts checks that
// the file matches.
const fs = require('fs');
const path = require('path');
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
const { withRuleTable } = require('../lib/readiness/rule-table');

const file = path.join(__dirname, '..', 'docs', 'readiness.md');
const before = fs.readFileSync(file, 'utf8');
const after = withRuleTable(before);
if (after === before) {
  console.log('docs/readiness.md: the rule table is up to date');
} else {
  fs.writeFileSync(file, after);
  console.log('docs/readiness.md: the rule table was rewritten');
}
