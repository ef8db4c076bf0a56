package io.releasepipeline.cli;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.releasepipeline.evidence.EvidenceJson;
import io.releasepipeline.format.SafeText;

/**
 * What the CLI prints goes through here, so that text from outside (pull-request titles, check names, alert
 * descriptions, provider answers, revision names) cannot forge a second line, drive the terminal or command a
 * GitHub Actions runner. Stateless and thread-safe.
 */
final class Console {

    /** The longest line the CLI prints, in characters of the text before neutralising. */
    static final int LINE_LIMIT = 8_000;

    private static final ObjectWriter JSON = EvidenceJson.mapper().writer().with(new SafeEscapes());

    private Console() {
    }

    /** One console line: {@link SafeText#line(String, int)} of the whole line, at most {@link #LINE_LIMIT}. */
    static String line(String text) {
        return SafeText.line(text, LINE_LIMIT);
    }

    /**
     * The writer for JSON documents on stdout and in {@code --json-file}: the same JSON, with every character that
     * could act on a terminal or a runner written as a <code>&#92;uXXXX</code> escape (controls, DEL, C1,
     * U+2028/U+2029, bidirectional formatting, U+FEFF, U+FFFE/U+FFFF, surrogates) and {@code #} escaped too, so no
     * line of it holds the runner's legacy {@code ##[} command. A JSON parser reads back exactly the values.
     */
    static ObjectWriter json() {
        return JSON;
    }

    /** Jackson's standard escapes, plus the characters above. */
    private static final class SafeEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii;

        SafeEscapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii['#'] = ESCAPE_STANDARD;
            ascii[0x7F] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            // Called for non-ASCII characters only (the table above covers ASCII): the same set SafeText hides.
            return SafeText.isHidden(ch) ? new SerializedString(String.format("\\u%04X", ch)) : null;
        }
    }
}
