package io.releasepipeline.cli.demo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GitHub REST answers (API version 2022-11-28) for the CLI's test worlds, in GitHub's shapes: the one pull request
 * the tests release, its changed files and the runbook's deploy workflow as the contents API serves it. Shared by the
 * in-process world ({@code CliWorld}) and the production-wiring stand-in ({@code GitHubStandIn}), so both speak the
 * same GitHub. Stateless.
 */
public final class GitHubPayloads {

    /** The repository the tests release from. */
    public static final String REPO = "octo-org/trade-nexus";
    /** The pull request's head commit. */
    public static final String HEAD_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
    /** The commit its merge creates. */
    public static final String MERGE_SHA = "e5bd3914e2e596debea16f433f57875b5b90bcd6";
    /** The deploy workflow's file in the repository. */
    public static final String DEPLOY_WORKFLOW_PATH = ".github/workflows/backend-deploy.yml";
    /** The runbook's deploy workflow: pushes to main under {@code backend/**} deploy. */
    public static final String DEPLOY_WORKFLOW = """
            name: Backend deploy
            on:
              push:
                branches: [main]
                paths: ['backend/**']
              workflow_dispatch:
            jobs:
              deploy:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - run: az containerapp update --name backend --image tradenexusacr.azurecr.io/backend:${{ github.sha }}
            """;

    private GitHubPayloads() {
    }

    /** {@code GET .../pulls/{n}}: open and mergeable at {@link #HEAD_SHA}, or merged as {@link #MERGE_SHA}. */
    public static Map<String, Object> pullRequest(int number, boolean merged) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("number", number);
        body.put("state", merged ? "closed" : "open");
        body.put("title", "Quotes in EUR");
        body.put("html_url", "https://github.com/" + REPO + "/pull/" + number);
        body.put("body", "## Summary\nQuotes in EUR\n\n## Breaking changes\nNone\n");
        body.put("user", Map.of("login", "octocat", "id", 7));
        body.put("labels", List.of());
        body.put("draft", false);
        body.put("merged", merged);
        body.put("mergeable", merged ? null : true);
        body.put("mergeable_state", merged ? "unknown" : "clean");
        body.put("merge_commit_sha", MERGE_SHA);
        body.put("head", Map.of("ref", "quotes-eur", "sha", HEAD_SHA));
        body.put("base", Map.of("ref", "main", "sha", "9049f1265b7d61be4a8904a9a27120d2064dab3b"));
        return body;
    }

    /** One entry of {@code GET .../pulls/{n}/files}: {@code filename} modified at {@link #HEAD_SHA}. */
    public static Map<String, Object> changedFile(String filename) {
        return Map.of("sha", "bbcd538c8e72b8c175046e27cc8f907076331401", "filename", filename, "status", "modified",
                "additions", 3, "deletions", 1, "changes", 4,
                "blob_url", "https://github.com/" + REPO + "/blob/" + HEAD_SHA + "/" + filename,
                "contents_url", "https://api.github.com/repos/" + REPO + "/contents/" + filename + "?ref=" + HEAD_SHA);
    }

    /** {@code GET .../contents/.github/workflows/backend-deploy.yml}: {@code yaml} in base64, 60-character lines. */
    public static Map<String, Object> workflowFile(String yaml) {
        byte[] bytes = yaml.getBytes(StandardCharsets.UTF_8);
        return Map.of("type", "file", "encoding", "base64", "size", bytes.length, "name", "backend-deploy.yml",
                "path", DEPLOY_WORKFLOW_PATH, "sha", "3d21ec53a331a6f037a91c368710b99387d012c1",
                "content", Base64.getMimeEncoder(60, new byte[] {'\n'}).encodeToString(bytes) + "\n",
                "html_url", "https://github.com/" + REPO + "/blob/main/" + DEPLOY_WORKFLOW_PATH);
    }
}
