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
  /** The share of the period's error budget the row catches burning, as a fraction (0.02). */
  readonly budgetConsumed: number;
  /** The long window, in minutes. */
  readonly longMinutes: number;
  /** The short window, in minutes (1/12 of the long one). */
  readonly shortMinutes: number;
}

/** The SRE Workbook's three rows. */
export const SRE_WORKBOOK_WINDOWS: readonly BurnRateWindow[] = [
  { severity: Severity.PAGE, budgetConsumed: 0.02, longMinutes: 60, shortMinutes: 5 },
  { severity: Severity.PAGE, budgetConsumed: 0.05, longMinutes: 360, shortMinutes: 30 },
  { severity: Severity.TICKET, budgetConsumed: 0.10, longMinutes: 3 * 24 * 60, shortMinutes: 360 },
];

/**
 * The rows for Datadog's burn-rate monitors, whose long window is at most
 * 48 hours (docs.datadoghq.com/service_management/service_level_objectives/burn_rate):
 * the ticket row catches 10 % of the budget in one day over a two-hour short
 * window, the row Datadog recommends (burn rate 3 for 30 days).
 */
export const DATADOG_WINDOWS: readonly BurnRateWindow[] = [
  SRE_WORKBOOK_WINDOWS[0],
  SRE_WORKBOOK_WINDOWS[1],
  { severity: Severity.TICKET, budgetConsumed: 0.10, longMinutes: 24 * 60, shortMinutes: 120 },
];

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

/** A burn-rate factor, rounded to six decimals so that 14.4 stays 14.4. */
export function burnRateFactor(row: BurnRateWindow, periodMinutes: number): number {
  return Number(((row.budgetConsumed * periodMinutes) / row.longMinutes).toFixed(6));
}

/** One row as alerts use it. */
export interface BurnRateAlert extends BurnRateWindow {
  /** The burn rate both windows must reach. */
  readonly factor: number;
  /** Hours until the whole budget is gone at that rate. */
  readonly hoursToExhaustion: number;
}

/** The rows with their factors for a period. */
export function burnRateAlerts(rows: readonly BurnRateWindow[], periodMinutes: number): BurnRateAlert[] {
  return rows.map((row) => {
    const factor = burnRateFactor(row, periodMinutes);
    return { ...row, factor, hoursToExhaustion: Number((periodMinutes / 60 / factor).toFixed(2)) };
  });
}
