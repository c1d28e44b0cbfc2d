package org.camelopencode.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonReplyTest {

    @Test
    void wholeTextObjectOrArrayIsJson() {
        assertThat(JsonReply.parse("  {\"a\": [1, 2]}\n")).get().extracting(node -> node.get("a").size()).isEqualTo(2);
        assertThat(JsonReply.parse("[1,2,3]")).get().extracting(node -> node.size()).isEqualTo(3);
    }

    @Test
    void singleFencedBlockIsJsonWithOrWithoutLanguageAndProse() {
        assertThat(JsonReply.parse("```json\n{\"a\":1}\n```")).isPresent();
        assertThat(JsonReply.parse("Result:\n```\n{\"a\":1}\n```\nThanks")).isPresent();
        assertThat(JsonReply.parse("```json\r\n{\"a\":1}\r\n```")).isPresent();
    }

    @Test
    void proseBareScalarsTrailingGarbageAndTwoFencesAreNotJson() {
        assertThat(JsonReply.parse("Sure, here: {\"a\":1}")).isEmpty();
        assertThat(JsonReply.parse("42")).isEmpty();
        assertThat(JsonReply.parse("\"text\"")).isEmpty();
        assertThat(JsonReply.parse("{\"a\":1} and more")).isEmpty();
        assertThat(JsonReply.parse("```json\n{\"a\":1}\n```\n```json\n{\"b\":2}\n```")).isEmpty();
        assertThat(JsonReply.parse("```json\n{not json}\n```")).isEmpty();
        assertThat(JsonReply.parse("")).isEmpty();
        assertThat(JsonReply.parse(null)).isEmpty();
    }
}
