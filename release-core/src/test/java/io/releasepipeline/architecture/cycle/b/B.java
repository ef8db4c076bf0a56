package io.releasepipeline.architecture.cycle.b;

/** The other half of the deliberate package cycle. */
public class B {
    io.releasepipeline.architecture.cycle.a.A a;
}
