package org.camelopencode.task;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Decodes task file bytes: strict UTF-8, one leading byte order mark dropped, CRLF made LF. */
final class TaskText {

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private TaskText() {
    }

    /**
     * @param content the raw file bytes
     * @return the text with line endings normalized to {@code \n}
     * @throws TaskProblem when the bytes are not valid UTF-8; the reason names the byte offset
     */
    static String decode(byte[] content) {
        int start = startsWithBom(content) ? UTF8_BOM.length : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content, start, content.length - start);
        CharBuffer out = CharBuffer.allocate(content.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new TaskProblem("is not valid UTF-8 (bad byte at offset " + in.position() + ")");
        }
        result = decoder.flush(out);
        if (result.isError()) {
            throw new TaskProblem("is not valid UTF-8 (truncated character at the end)");
        }
        out.flip();
        return out.toString().replace("\r\n", "\n");
    }

    private static boolean startsWithBom(byte[] content) {
        return content.length >= UTF8_BOM.length
                && content[0] == UTF8_BOM[0] && content[1] == UTF8_BOM[1] && content[2] == UTF8_BOM[2];
    }
}
