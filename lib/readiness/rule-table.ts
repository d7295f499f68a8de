/**
 * The rule table of docs/readiness.md, rendered from the rule objects so the
 * documentation cannot drift from the pack: `node tools/docs-rules.js`
 * rewrites the block between the markers, and test/rule-table.test.ts fails when
 * the file differs from a fresh rendering.
 */
import { Rule } from './rule';
import { PRODUCTION_READINESS_RULES } from './rules';

/** The markers around the generated block. */
export const RULE_TABLE_BEGIN = '<!-- rules:begin (generated from PRODUCTION_READINESS_RULES by `node tools/docs-rules.js`; do not edit by hand) -->';
export const RULE_TABLE_END = '<!-- rules:end -->';

/** A table cell: pipes escaped, on one line. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** The Markdown table: id, level, rule, why, fix. */
export function ruleTable(rules: readonly Rule[] = PRODUCTION_READINESS_RULES): string {
  return [
    '| id | level | rule | why | fix |',
    '|---|---|---|---|---|',
    ...rules.map((r) => `| ${r.id} | ${r.level}${r.levelNote ? ` (${r.levelNote})` : ''} | ${cell(r.title)} | ${cell(r.explanation)} | ${cell(r.fix)} |`),
  ].join('\n');
}

/** `markdown` with the block between the markers replaced by a fresh table. */
export function withRuleTable(markdown: string, rules: readonly Rule[] = PRODUCTION_READINESS_RULES): string {
  const begin = markdown.indexOf(RULE_TABLE_BEGIN);
  const end = markdown.indexOf(RULE_TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`the rule table markers are missing: ${RULE_TABLE_BEGIN} … ${RULE_TABLE_END}`);
  return `${markdown.slice(0, begin + RULE_TABLE_BEGIN.length)}\n${ruleTable(rules)}\n${markdown.slice(end)}`;
}
