package io.releasepipeline.trigger;

/** A rollback trigger's verdict: all well, roll back now, or not enough data to say. */
public enum TriggerState { OK, FIRING, NO_DATA }
