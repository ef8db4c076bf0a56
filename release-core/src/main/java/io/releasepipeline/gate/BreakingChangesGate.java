package io.releasepipeline.gate;

import io.releasepipeline.evidence.GateResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "Breaking changes documented in PR description", made checkable. The rule:
 * <ol>
 * <li>The description has a section headed "Breaking changes" (or "Breaking change"): a Markdown heading of any
 * level ({@code ## Breaking changes}), a bold line ({@code **Breaking changes**}) or a line starting
 * {@code Breaking changes:}. Case does not matter.</li>
 * <li>The section (up to the next heading) says something once HTML comments are removed: either that there are
 * none ({@code None}, {@code N/A}, {@code No breaking changes}, {@code - [x] none}) or a description of them.</li>
 * <li>A pull request labelled {@code breaking-change} or {@code breaking} must describe them: "none" contradicts
 * the label.</li>
 * </ol>
 * Immutable.
 */
public final class BreakingChangesGate implements Gate {

    private static final Pattern HEADING = Pattern.compile(
            "^\\s{0,3}(?:#{1,6}\\s*|\\*\\*|__)?\\s*breaking[ -]changes?\\s*(?:\\*\\*|__)?\\s*:?\\s*(.*)$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NEXT_HEADING = Pattern.compile("^\\s{0,3}(#{1,6}\\s+\\S|\\*\\*[^*]+\\*\\*\\s*$)");
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern NONE = Pattern.compile(
            "^(?:[-*]\\s*(?:\\[[xX]\\]\\s*)?)?(?:none|n/?a|no|nothing|no breaking changes?\\.?|none\\.)\\.?$",
            Pattern.CASE_INSENSITIVE);

    BreakingChangesGate() {
    }

    @Override
    public String name() {
        return "breaking-changes-documented";
    }

    @Override
    public GateResult evaluate(GateContext context) {
        return judge(context.pullRequest().body(), context.pullRequest().labels());
    }

    /**
     * Applies the rule to a description and labels; public so tools can lint a description before review.
     *
     * @param body the pull request's description, Markdown
     * @param labels the pull request's labels
     * @return the gate's verdict and reason
     */
    public GateResult judge(String body, List<String> labels) {
        String text = COMMENT.matcher(body == null ? "" : body).replaceAll("");
        String[] lines = text.split("\\R", -1);
        int start = -1;
        List<String> content = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = HEADING.matcher(lines[i]);
            if (m.matches()) {
                start = i;
                if (!m.group(1).isBlank()) {
                    content.add(m.group(1).trim());
                }
                break;
            }
        }
        if (start < 0) {
            return GateResult.fail(name(), "the description has no \"Breaking changes\" section; add one "
                    + "(\"## Breaking changes\") that lists them or says \"None\"");
        }
        for (int i = start + 1; i < lines.length && !NEXT_HEADING.matcher(lines[i]).find(); i++) {
            String line = lines[i].trim();
            if (!line.isEmpty() && !line.matches("[-*]\\s*(\\[ \\])?\\s*")) {
                content.add(line);
            }
        }
        boolean labelled = labels.stream().map(l -> l.toLowerCase(Locale.ROOT))
                .anyMatch(l -> l.equals("breaking-change") || l.equals("breaking"));
        if (content.isEmpty()) {
            return GateResult.fail(name(), "the \"Breaking changes\" section is empty; list the breaking changes or "
                    + "write \"None\"");
        }
        boolean none = content.size() == 1 && NONE.matcher(content.get(0)).matches();
        if (none && labelled) {
            return GateResult.fail(name(), "the pull request is labelled as breaking but its \"Breaking changes\" "
                    + "section says none; describe the breaking changes");
        }
        if (none) {
            return GateResult.pass(name(), "\"Breaking changes\" section declares none");
        }
        return GateResult.pass(name(), "\"Breaking changes\" section documents " + content.size() + " line"
                + (content.size() == 1 ? "" : "s"));
    }
}
