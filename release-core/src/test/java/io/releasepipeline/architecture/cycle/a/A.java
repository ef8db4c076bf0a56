package io.releasepipeline.architecture.cycle.a;

/** Half of a deliberate package cycle: the architecture test checks that its cycle rule finds it. */
public class A {
    io.releasepipeline.architecture.cycle.b.B b;
}
