/**
 * The fault matrix: every provider call a release makes, times every {@link io.releasepipeline.testkit.faults.Fault},
 * in virtual time, each case checked against every {@link io.releasepipeline.testkit.faults.Invariant}. Start with
 * {@link io.releasepipeline.testkit.faults.FaultMatrix} (all cases) or
 * {@link io.releasepipeline.testkit.faults.FaultWorld} (one case, or a story of your own).
 */
package io.releasepipeline.testkit.faults;
