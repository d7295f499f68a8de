import { quote } from '../../common/errors';
import { SUPPRESS_ANNOTATION_PREFIX } from '../../common/annotations';
import { Level, MIN_SUPPRESSION_REASON_LENGTH, Rule } from '../rule';

/** The id of the rule on suppressions; it cannot itself be suppressed. */
export const SUPPRESSION_RULE_ID = 'OBS-SUP1';

/** Whether a suppression's written reason is long enough to count. */
export function validReason(reason: string): boolean {
  return reason.trim().length >= MIN_SUPPRESSION_REASON_LENGTH;
}

/**
 * OBS-SUP1: every suppression annotation gives a real reason and names a
 * rule of the pack. A suppression without one does not count: the rule it
 * names stays active on the object.
 */
export const suppressionsExplained: Rule = {
  id: SUPPRESSION_RULE_ID,
  level: Level.ERROR,
  levelNote: 'warning for a rule id the pack does not have',
  title: 'suppressions explained',
  explanation: `A suppression hides a finding from every later reader; without a written reason (at least ${MIN_SUPPRESSION_REASON_LENGTH} characters) nobody can tell a decision from a shortcut, so it does not count.`,
  fix: `Write why the rule does not apply, in ${MIN_SUPPRESSION_REASON_LENGTH} characters or more, as the annotation's value (or through ProductionReadiness.suppress); or remove the annotation.`,
  check: (model, options) => model.resources.flatMap((r) => [...r.suppressions].flatMap(([ruleId, reason]) => {
    const annotation = `${SUPPRESS_ANNOTATION_PREFIX}${ruleId}`;
    if (ruleId === SUPPRESSION_RULE_ID) return [{ resource: r, message: `${annotation} tries to suppress the rule on suppressions, which cannot be suppressed` }];
    if (!options.ruleIds.includes(ruleId)) return [{ resource: r, level: Level.WARNING, message: `${annotation} names no rule of the pack, so it suppresses nothing` }];
    return validReason(reason) ? [] : [{
      resource: r,
      message: `${annotation} gives the reason ${quote(reason)} (${reason.trim().length} characters, at least ${MIN_SUPPRESSION_REASON_LENGTH} needed), so ${ruleId} stays active`,
    }];
  })),
};
