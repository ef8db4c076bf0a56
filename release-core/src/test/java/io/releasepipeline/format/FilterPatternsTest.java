package io.releasepipeline.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link FilterPatterns} against the examples of GitHub's "Workflow syntax for GitHub Actions": the filter pattern
 * cheat sheet (patterns to match file paths, patterns to match branches and tags) and the {@code on.push.paths} and
 * {@code on.push.branches} examples. Each row is the documented pattern, a name it matches or not, and whether.
 */
class FilterPatternsTest {

    @ParameterizedTest(name = "''{0}'' {2} ''{1}''")
    @DisplayName("patterns to match file paths (the cheat sheet's table)")
    @CsvSource(delimiter = ';', value = {
        "*;README.md;matches", "*;server.rb;matches", "*;docs/README.md;does not match",
        "*.jsx?;page.js;matches", "*.jsx?;page.jsx;matches", "*.jsx?;page.jsxx;does not match",
        "**;all/the/files.md;matches",
        "*.js;app.js;matches", "*.js;index.js;matches", "*.js;js/index.js;does not match",
        "**.js;index.js;matches", "**.js;js/index.js;matches", "**.js;src/js/app.js;matches",
        "docs/*;docs/README.md;matches", "docs/*;docs/file.txt;matches", "docs/*;docs/mona/octocat.txt;does not match",
        "docs/**;docs/README.md;matches", "docs/**;docs/mona/octocat.txt;matches", "docs/**;README.md;does not match",
        "docs/**/*.md;docs/README.md;matches", "docs/**/*.md;docs/mona/hello-world.md;matches",
        "docs/**/*.md;docs/a/markdown/file.md;matches", "docs/**/*.md;docs/a/file.txt;does not match",
        "**/docs/**;docs/hello.md;matches", "**/docs/**;dir/docs/my-file.txt;matches",
        "**/docs/**;space/docs/plan/space.doc;matches", "**/docs/**;mydocs/hello.md;does not match",
        "**/README.md;README.md;matches", "**/README.md;js/README.md;matches", "**/README.md;xREADME.md;does not match",
        "**/*src/**;a/src/app.js;matches", "**/*src/**;my-src/code/js/app.js;matches",
        "**/*-post.md;my-post.md;matches", "**/*-post.md;path/their-post.md;matches",
        "**/migrate-*.sql;migrate-10909.sql;matches", "**/migrate-*.sql;db/migrate-v1.0.sql;matches",
        "**/migrate-*.sql;db/sept/migrate-v1.sql;matches", "**/migrate-*.sql;db/migrate.sql;does not match",
        "backend/**;Backend/app.py;does not match"
    })
    void filePaths(String pattern, String path, String expected) {
        assertThat(FilterPatterns.of(pattern).selects(path)).isEqualTo(expected.equals("matches"));
    }

    @ParameterizedTest(name = "''{0}'' {2} ''{1}''")
    @DisplayName("patterns to match branches and tags, and the cheat sheet's own examples")
    @CsvSource(delimiter = ';', value = {
        "feature/*;feature/my-branch;matches", "feature/*;feature/your-branch;matches",
        "feature/*;feature/beta-a/my-branch;does not match",
        "feature/**;feature/beta-a/my-branch;matches", "feature/**;feature/your-branch;matches",
        "feature/**;feature/mona/the/octocat;matches",
        "main;main;matches", "main;maintenance;does not match",
        "releases/mona-the-octocat;releases/mona-the-octocat;matches",
        "*;main;matches", "*;releases;matches", "*;releases/10;does not match",
        "**;all/the/branches;matches", "**;every/tag;matches",
        "*feature;mona-feature;matches", "*feature;feature;matches", "*feature;ver-10-feature;matches",
        "v2*;v2;matches", "v2*;v2.0;matches", "v2*;v2.9;matches", "v2*;v3;does not match",
        "v[12].[0-9]+.[0-9]+;v1.10.1;matches", "v[12].[0-9]+.[0-9]+;v2.0.0;matches",
        "v[12].[0-9]+.[0-9]+;v3.0.0;does not match", "v[12].[0-9]+.[0-9]+;v1..1;does not match",
        "Octo*;Octocat;matches", "[CB]at;Cat;matches", "[CB]at;Bat;matches", "[CB]at;Rat;does not match",
        "[1-2]00;100;matches", "[1-2]00;200;matches", "[1-2]00;300;does not match",
        "[0-9a-z];q;matches", "[0-9a-z];Q;does not match"
    })
    void branchesAndTags(String pattern, String name, String expected) {
        assertThat(FilterPatterns.of(pattern).selects(name)).isEqualTo(expected.equals("matches"));
    }

    @Nested
    @DisplayName("order matters: the last matching pattern decides")
    class Order {

        @Test
        @DisplayName("'*.md', '!README.md': hello.md, but not README.md nor docs/hello.md")
        void negationExcludes() {
            FilterPatterns p = FilterPatterns.of("*.md", "!README.md");
            assertThat(p.selects("hello.md")).isTrue();
            assertThat(p.selects("README.md")).isFalse();
            assertThat(p.selects("docs/hello.md")).isFalse();
        }

        @Test
        @DisplayName("'*.md', '!README.md', 'README*': a later positive pattern includes README.md again")
        void positiveAfterNegativeIncludesAgain() {
            FilterPatterns p = FilterPatterns.of("*.md", "!README.md", "README*");
            assertThat(p.selects("hello.md")).isTrue();
            assertThat(p.selects("README.md")).isTrue();
            assertThat(p.selects("README.doc")).isTrue();
        }

        @Test
        @DisplayName("on.push.paths example: sub-project/** except sub-project/docs/**")
        void subProject() {
            FilterPatterns p = FilterPatterns.of("sub-project/**", "!sub-project/docs/**");
            assertThat(p.selects("sub-project/index.js")).isTrue();
            assertThat(p.selects("sub-project/src/index.js")).isTrue();
            assertThat(p.selects("sub-project/docs/readme.md")).isFalse();
        }

        @Test
        @DisplayName("on.push.branches example: releases/** except releases/**-alpha")
        void releases() {
            FilterPatterns p = FilterPatterns.of("releases/**", "!releases/**-alpha");
            assertThat(p.selects("releases/10")).isTrue();
            assertThat(p.selects("releases/beta/mona")).isTrue();
            assertThat(p.selects("releases/10-alpha")).isFalse();
            assertThat(p.selects("releases/beta/3-alpha")).isFalse();
        }
    }

    @Nested
    @DisplayName("special characters")
    class SpecialCharacters {

        @Test
        @DisplayName("'!' is special only at the start; elsewhere it is a literal character")
        void bangInside() {
            assertThat(FilterPatterns.of("docs/!important.md").selects("docs/!important.md")).isTrue();
        }

        @Test
        @DisplayName("'\\' makes the next character literal: 'a\\*b' matches only a*b")
        void escape() {
            FilterPatterns p = FilterPatterns.of("a\\*b");
            assertThat(p.selects("a*b")).isTrue();
            assertThat(p.selects("axb")).isFalse();
        }

        @Test
        @DisplayName("'?' and '+' repeat the piece before them, whatever it is; first in a pattern they are literal")
        void quantifiers() {
            assertThat(FilterPatterns.of("ab+c").selects("abbbc")).isTrue();
            assertThat(FilterPatterns.of("ab+c").selects("ac")).isFalse();
            assertThat(FilterPatterns.of("[ab]+").selects("abba")).isTrue();
            assertThat(FilterPatterns.of("x*+").selects("xyz")).isTrue();
            assertThat(FilterPatterns.of("?x").selects("?x")).isTrue();
            assertThat(FilterPatterns.of("?x").selects("x")).isFalse();
        }

        @Test
        @DisplayName("regular-expression characters are literal: 'v1.0' does not match 'v1x0'")
        void regexCharactersAreLiteral() {
            assertThat(FilterPatterns.of("v1.0").selects("v1x0")).isFalse();
            assertThat(FilterPatterns.of("a(b)|c").selects("a(b)|c")).isTrue();
        }
    }

    @Nested
    @DisplayName("invalid patterns are named, all at once")
    class Problems {

        @Test
        @DisplayName("empty brackets, an unclosed bracket, a non-alphanumeric in brackets, a reversed range, a "
                + "trailing backslash")
        void syntax() {
            assertThat(FilterPatterns.problems(List.of("a[]b", "v[0-9", "x[_]", "y[z-a]", "z\\")))
                    .hasSize(5)
                    .anySatisfy(p -> assertThat(p).startsWith("pattern 'a[]b': empty brackets"))
                    .anySatisfy(p -> assertThat(p).startsWith("pattern 'v[0-9': '[' at 1 is never closed"))
                    .anySatisfy(p -> assertThat(p).startsWith("pattern 'x[_]': '_' in brackets"))
                    .anySatisfy(p -> assertThat(p).startsWith("pattern 'y[z-a]': range 'z-a'"))
                    .anySatisfy(p -> assertThat(p).startsWith("pattern 'z\\': '\\' at the end"));
        }

        @Test
        @DisplayName("no pattern, an empty one, '!' alone, and only negative patterns (GitHub needs a positive one)")
        void emptyAndOnlyNegative() {
            assertThat(FilterPatterns.problems(List.of())).singleElement().asString().startsWith("no pattern");
            assertThat(FilterPatterns.problems(List.of("", "!"))).hasSize(2)
                    .allSatisfy(p -> assertThat(p).startsWith("an empty pattern"));
            assertThat(FilterPatterns.problems(List.of("!docs/**"))).singleElement().asString()
                    .contains("only negative patterns", "needs a positive one");
            assertThat(FilterPatterns.problems(List.of("backend/**", "!backend/docs/**"))).isEmpty();
        }

        @Test
        @DisplayName("of() refuses invalid patterns with every problem in its message")
        void ofRefuses() {
            assertThatThrownBy(() -> FilterPatterns.of("a[]", "b\\"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pattern 'a[]'").hasMessageContaining("pattern 'b\\'");
        }
    }

    @Test
    @DisplayName("equal lists are equal filters, shown as the list")
    void valueSemantics() {
        assertThat(FilterPatterns.of("backend/**")).isEqualTo(FilterPatterns.of(List.of("backend/**")))
                .hasSameHashCodeAs(FilterPatterns.of("backend/**")).hasToString("[backend/**]");
    }
}
