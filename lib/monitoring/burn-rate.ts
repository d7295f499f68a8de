/**
 * Error budgets and multiwindow, multi-burn-rate alerting, as Google's SRE
 * Workbook specifies it (chapter "Alerting on SLOs", table 5-8,
 * sre.google/workbook/alerting-on-slos): page when 2 % of the budget burns in
 * an hour or 5 % in six hours, ticket when 10 % burns in three days, each
 * condition holding over its long window and over a short window of 1/12 of
 * it (so an alert stops soon after the burn stops). The burn rate of a row is
 * the budget share it consumes, times the SLO period, divided by its long
 * window: 14.4, 6 and 1 for 30 days (the same formula as Sloth's
 * internal/alert/window.go getBurnRateFactor).
 */

/** How urgent an alert is. */
export enum Severity {
  /** Someone is paged now: the budget burns fast. */
  PAGE = 'page',
  /** A ticket is opened: the budget burns steadily. */
  TICKET = 'ticket',
}

/** One row of the burn-rate table. */
export interface BurnRateWindow {
  /** Who is told: a page or a ticket. */
  readonly severity: Severity;
  /** The burn rate both windows must reach (1 spends the budget exactly over the SLO's window). */
  readonly factor: number;
  /** The long window, in minutes. */
  readonly longMinutes: number;
  /** The short window, in minutes (1/12 of the long one). */
  readonly shortMinutes: number;
}

const HOUR = 60;
const DAY = 24 * HOUR;

/**
 * The SRE Workbook's table for a 30-day SLO (table 5-8): page at 14.4x over
 * 1 h and 5 min (2 % of the budget in an hour) or 6x over 6 h and 30 min (5 %
 * in six hours), ticket at 1x over 3 days and 6 h (10 % in three days).
 */
const WORKBOOK_30D: readonly BurnRateWindow[] = [
  { severity: Severity.PAGE, factor: 14.4, longMinutes: HOUR, shortMinutes: 5 },
  { severity: Severity.PAGE, factor: 6, longMinutes: 6 * HOUR, shortMinutes: 30 },
  { severity: Severity.TICKET, factor: 1, longMinutes: 3 * DAY, shortMinutes: 6 * HOUR },
];

/**
 * Datadog's recommended burn rates per SLO timeframe, over 1 h and 5 min,
 * 6 h and 30 min, 24 h and 2 h (DataDog/documentation
 * content/en/service_management/service_level_objectives/burn_rate.md @ 0a87a70):
 * the budget shares are chosen per timeframe, so the factors are not the 30-day
 * ones scaled (7 days: 16.8, 5.6, 2.8; 30 days: 14.4, 6, 3; 90 days: 21.6, 10.8, 4.5).
 */
const DATADOG_RECOMMENDED: Readonly<Record<number, readonly [number, number, number]>> = { 7: [16.8, 5.6, 2.8], 30: [14.4, 6, 3], 90: [21.6, 10.8, 4.5] };

/**
 * The SLO windows the tables cover, in days: Datadog's SLO timeframes, which
 * the Operator's controller accepts (datadog-operator
 * internal/controller/datadogslo validation: 7d, 30d, 90d) and a burn-rate
 * query's `.over()` takes (docs.datadoghq.com/service_management/service_level_objectives/burn_rate).
 */
export const SLO_WINDOW_DAYS: readonly number[] = [7, 30, 90];

function recommended(days: number): BurnRateWindow[] {
  const [page, slowPage, ticket] = DATADOG_RECOMMENDED[days];
  return [
    { severity: Severity.PAGE, factor: page, longMinutes: HOUR, shortMinutes: 5 },
    { severity: Severity.PAGE, factor: slowPage, longMinutes: 6 * HOUR, shortMinutes: 30 },
    { severity: Severity.TICKET, factor: ticket, longMinutes: DAY, shortMinutes: 2 * HOUR },
  ];
}

/**
 * The Prometheus alerts of a window: the Workbook's table for 30 days, and
 * Datadog's recommended rows for 7 and 90 days (Sloth ships windows only for
 * 28 and 30 days; keeping the 30-day shares at 7 days would ticket below 1x,
 * while the objective is being met).
 */
export function prometheusWindows(days: number): BurnRateWindow[] {
  return days === 30 ? [...WORKBOOK_30D] : recommended(days);
}

/**
 * Datadog's burn-rate monitors: its recommended rows, since a Datadog burn-rate
 * long window is at most 48 hours (the Workbook's 3-day ticket cannot be written).
 */
export function datadogWindows(days: number): BurnRateWindow[] {
  return recommended(days);
}

/** The windows the error ratio is recorded over (Sloth's set), in minutes. */
export const RECORDED_WINDOWS_MINUTES: readonly number[] = [5, 30, 60, 120, 360, 24 * 60, 3 * 24 * 60];

/** `5m`, `1h`, `3d`: a Prometheus and Datadog duration for a whole number of minutes. */
export function windowName(minutes: number): string {
  if (minutes % (24 * 60) === 0) return `${minutes / (24 * 60)}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** Digits after the decimal point of a number written in decimal. */
export function decimals(value: number): number {
  const text = String(value);
  return text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
}

/**
 * The error budget of a target percentage, as a fraction computed in decimal
 * (99.9 gives 0.001, not the 0.0009999999999999432 of `1 - 0.999`, which would
 * move the alert thresholds).
 */
export function errorBudget(targetPercent: number): number {
  const scale = 10 ** decimals(targetPercent);
  const budgetScaled = 100 * scale - Math.round(targetPercent * scale);
  return budgetScaled / (100 * scale);
}

/** One row as alerts use it. */
export interface BurnRateAlert extends BurnRateWindow {
  /** The share of the window's budget burnt over the long window at that rate (0.02 for 14.4x over 1 h of 30 days). */
  readonly budgetConsumed: number;
  /** Hours until the whole budget is gone at that rate. */
  readonly hoursToExhaustion: number;
}

/** The rows with what they mean for a window of `periodMinutes`. */
export function burnRateAlerts(rows: readonly BurnRateWindow[], periodMinutes: number): BurnRateAlert[] {
  return rows.map((row) => ({
    ...row,
    budgetConsumed: Number(((row.factor * row.longMinutes) / periodMinutes).toFixed(6)),
    hoursToExhaustion: Number((periodMinutes / 60 / row.factor).toFixed(2)),
  }));
}
