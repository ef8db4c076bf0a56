package io.releasepipeline.cli.config;

import io.releasepipeline.health.http.Endpoint;
import io.releasepipeline.health.http.HttpHealthProbe;
import io.releasepipeline.health.http.HttpSmokeCheck;

/**
 * Builds the HTTP smoke check and health probe that {@code release.yaml} describes. Stateless and thread-safe.
 */
public final class HttpChecks {

    private HttpChecks() {
    }

    /**
     * The runbook's smoke check: every endpoint, its warm latency under the SLO.
     *
     * @throws io.releasepipeline.error.InvalidConfigurationException listing every problem
     */
    public static HttpSmokeCheck smokeCheck(CliConfig.Smoke smoke) {
        return smokeCheck(smoke, smoke.targetRevisionUrl());
    }

    /**
     * As {@link #smokeCheck(CliConfig.Smoke)}, aimed at the target revision's own URL or not regardless of
     * {@code smoke.targetRevisionUrl} (a check of one named revision must reach that revision alone).
     *
     * @throws io.releasepipeline.error.InvalidConfigurationException listing every problem
     */
    public static HttpSmokeCheck smokeCheck(CliConfig.Smoke smoke, boolean targetRevisionUrl) {
        HttpSmokeCheck.Builder b = HttpSmokeCheck.builder().targetRevisionUrl(targetRevisionUrl)
                .latencySlo(smoke.latencySlo()).samples(smoke.samples()).requestTimeout(smoke.requestTimeout());
        smoke.baseUrl().ifPresent(b::baseUrl);
        for (CliConfig.SmokeEndpoint e : smoke.endpoints()) {
            Endpoint endpoint = Endpoint.get(e.path()).expectStatus(e.status());
            b.endpoint(e.bodyContains().map(endpoint::expectBodyContains).orElse(endpoint));
        }
        return b.build();
    }

    /**
     * The synthetic monitor of the health endpoint, aimed where the smoke check is aimed.
     *
     * @throws io.releasepipeline.error.InvalidConfigurationException listing every problem
     */
    public static HttpHealthProbe healthProbe(CliConfig.Smoke smoke, CliConfig.HealthTrigger health) {
        HttpHealthProbe.Builder b = HttpHealthProbe.builder().targetRevisionUrl(smoke.targetRevisionUrl())
                .endpoint(Endpoint.get(health.path())).timeout(health.timeout());
        smoke.baseUrl().ifPresent(b::baseUrl);
        return b.build();
    }
}
