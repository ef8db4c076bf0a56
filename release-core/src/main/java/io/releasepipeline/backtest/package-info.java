/**
 * Backtesting: replays recorded releases through a candidate rollback policy, on each record's own timeline and
 * through the same judging code the engine runs, and says what the policy would have done: promoted, or rolled back
 * at which moment by which trigger with which numbers, and how that compares with what really happened. Start at
 * {@link io.releasepipeline.backtest.Backtest}.
 */
package io.releasepipeline.backtest;
