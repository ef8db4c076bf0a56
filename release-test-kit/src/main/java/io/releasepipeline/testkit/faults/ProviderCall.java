package io.releasepipeline.testkit.faults;

import java.util.Optional;

/**
 * One entry of a case's trace: a call a pipeline made to a provider (or an event delivered to listeners), as the
 * recording proxy saw it. Immutable.
 *
 * @param process which pipeline made it: 0 is the release's first process, 1 the one that resumed it, higher ones
 *     any other pipeline the case started
 * @param site the provider, method and occurrence within the process
 * @param arguments the arguments, shortened
 * @param phase where the release stood when the call was made
 * @param sideEffect whether the call changes the world (merge, activate, deactivate, setTraffic, createDeployment,
 *     recordDeploymentStatus, comment, an approval request)
 * @param lockHolder for side effects: who held the app's lock at the call ({@link
 *     io.releasepipeline.evidence.ReleaseLock#describe()}), or "nobody"; empty for other calls
 * @param lockOwner the public owner id ({@link io.releasepipeline.evidence.LockOwner#id()}) of whoever held the app's
 *     lock when the call was made (after a {@link Fault#LOCK_LOST} took it), or "nobody"
 * @param fault the fault injected at this call, if any
 * @param result how the call ended: "ok", or the throwable's type and message
 */
public record ProviderCall(int process, CallSite site, String arguments, Phase phase, boolean sideEffect,
        String lockHolder, String lockOwner, Optional<Fault> fault, String result) {

    /**
     * Whether this call appended to the journal and succeeded.
     *
     * @return whether this call appended to the journal and succeeded
     */
    public boolean journaled() {
        return site.key().equals("evidence.appendJournal") && result.equals("ok");
    }

    @Override
    public String toString() {
        return "p" + process + " " + site + "(" + arguments + ") [" + phase.name() + "]"
                + fault.map(f -> " <" + f.name() + ">").orElse("") + (result.equals("ok") ? "" : " -> " + result);
    }
}
