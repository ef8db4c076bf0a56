package io.releasepipeline.github;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.spi.Incident;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link GitHubIncidentProvider} against WireMock answering like GitHub's issues API. */
class GitHubIncidentProviderTest extends GitHubWireMockSupport {

    static final String ISSUES = API + "/issues";

    @Test
    @DisplayName("open issues labelled SEV-1 or SEV-2 are incidents; pull requests are left out; one query per label")
    void openIncidentsBySeverity() {
        github.stubFor(getPath(ISSUES).withQueryParam("labels", equalTo("SEV-1"))
                .withQueryParam("state", equalTo("open"))
                .willReturn(json(200, array(issue(1, 101, "Checkout returns 500", "SEV-1", false),
                        issue(2, 102, "Hotfix for checkout", "SEV-1", true)))));
        github.stubFor(getPath(ISSUES).withQueryParam("labels", equalTo("SEV-2"))
                .withQueryParam("state", equalTo("open"))
                .willReturn(json(200, array(issue(3, 103, "Slow search", "SEV-2", false),
                        issue(1, 101, "Checkout returns 500", "SEV-2", false)))));

        List<Incident> incidents = GitHubIncidentProvider.builder(connection()).build()
                .openIncidents(Set.of("SEV-2", "SEV-1"));

        assertThat(incidents).extracting(Incident::id, Incident::severity).containsExactly(
                org.assertj.core.groups.Tuple.tuple("#101", "SEV-1"),
                org.assertj.core.groups.Tuple.tuple("#103", "SEV-2"));
        Incident first = incidents.get(0);
        assertThat(first.title()).isEqualTo("Checkout returns 500");
        assertThat(first.url()).isEqualTo("https://github.com/" + REPO + "/issues/101");
        assertThat(first.openedAt()).hasValue(Instant.parse("2026-01-05T07:00:00Z"));
        github.verify(2, getRequestedFor(urlPathEqualTo(ISSUES)));
    }

    @Test
    @DisplayName("labels are configurable per severity and issues are read across pages")
    void customLabelsAndPages() {
        github.stubFor(getPath(ISSUES).withQueryParam("labels", equalTo("incident: sev1")).atPriority(10)
                .willReturn(json(200, array(issue(1, 101, "Outage", "incident: sev1", false)))
                        .withHeader("Link", nextPage(ISSUES + "?state=open&labels=incident%3A%20sev1&page=2"))));
        github.stubFor(getPath(ISSUES).withQueryParam("page", equalTo("2"))
                .willReturn(json(200, array(issue(4, 104, "Data loss", "incident: sev1", false)))));

        List<Incident> incidents = GitHubIncidentProvider.builder(connection())
                .severityLabel("sev-1", "incident: sev1").build()
                .openIncidents(Set.of("SEV-1"));

        assertThat(incidents).extracting(Incident::id).containsExactly("#101", "#104");
        assertThat(incidents).allMatch(i -> i.severity().equals("SEV-1"));
    }

    @Test
    @DisplayName("a failure to read incidents is an error, never 'no incidents'")
    void failureIsNotEmpty() {
        github.stubFor(getPath(ISSUES).willReturn(json(410, "{\"message\": \"Issues are disabled for this repo\"}")));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> GitHubIncidentProvider.builder(connection()).build().openIncidents(Set.of("SEV-1")));

        assertThat(e.provider()).isEqualTo("github-incidents");
        assertThat(e.getMessage()).contains("410", "Issues are disabled");
    }
}
