package org.camelopencode.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.PermissionReply;
import org.junit.jupiter.api.Test;

class ApprovalTest {

    private static JsonNode json(String text) throws Exception {
        return OpenCodeJson.mapper().readTree(text);
    }

    @Test
    void permissionApprovalWithFeedback() throws Exception {
        Approval approval = Approval.parse(json("{\"requestId\":\"per_1\",\"reply\":\"REJECT\",\"message\":\"use printf\"}"));
        assertThat(approval.type()).isEqualTo(PendingInteraction.PERMISSION);
        assertThat(approval.reply()).isEqualTo(PermissionReply.REJECT);
        assertThat(approval.message()).isEqualTo("use printf");
        assertThat(approval.answers()).isEmpty();
    }

    @Test
    void questionAnswersAsListsOrSingleLabels() throws Exception {
        Approval approval = Approval.parse(json("{\"requestId\":\"que_1\",\"answers\":[[\"a\",\"b\"],\"c\"]}"));
        assertThat(approval.type()).isEqualTo(PendingInteraction.QUESTION);
        assertThat(approval.reply()).isNull();
        assertThat(approval.answers()).containsExactly(List.of("a", "b"), List.of("c"));
    }

    @Test
    void questionRejection() throws Exception {
        Approval approval = Approval.parse(json("{\"type\":\"question\",\"requestId\":\"x\",\"reply\":\"reject\"}"));
        assertThat(approval.reply()).isEqualTo(PermissionReply.REJECT);
    }

    @Test
    void malformedApprovalsSayWhatIsWrong() {
        assertThatThrownBy(() -> Approval.parse(json("[1]"))).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> Approval.parse(json("{\"reply\":\"once\"}"))).hasMessageContaining("no requestId");
        assertThatThrownBy(() -> Approval.parse(json("{\"requestId\":\"abc\",\"reply\":\"once\"}")))
                .hasMessageContaining("type must be permission or question");
        assertThatThrownBy(() -> Approval.parse(json("{\"requestId\":\"per_1\",\"reply\":\"maybe\"}")))
                .hasMessageContaining("was 'maybe'");
        assertThatThrownBy(() -> Approval.parse(json("{\"requestId\":\"per_1\"}"))).hasMessageContaining("reply must be");
        assertThatThrownBy(() -> Approval.parse(json("{\"requestId\":\"que_1\",\"answers\":[]}"))).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> Approval.parse(json("{\"requestId\":\"que_1\",\"reply\":\"once\"}")))
                .hasMessageContaining("a question takes answers");
        assertThatThrownBy(() -> Approval.parse(json("{\"requestId\":\"que_1\",\"answers\":[{\"x\":1}]}")))
                .hasMessageContaining("label or a list of labels");
    }

    @Test
    void pendingPermissionShowsCommandPatternsAndHowToAnswer() throws Exception {
        JsonNode request = json("{\"id\":\"per_9\",\"sessionID\":\"ses_1\",\"permission\":\"bash\",\"patterns\":[\"git push\"],"
                + "\"metadata\":{\"command\":\"git push\"},\"always\":[\"git push *\"]}");
        JsonNode message = new PendingInteraction(PendingInteraction.PERMISSION, "per_9", "ses_1", "t [attempt 1]", request,
                Instant.parse("2026-11-21T10:00:00Z"), "bash=escalate").toJson();
        assertThat(message.get("command").asText()).isEqualTo("git push");
        assertThat(message.get("patterns").get(0).asText()).isEqualTo("git push");
        assertThat(message.get("expiresAt").asText()).isEqualTo("2026-11-21T10:00:00Z");
        assertThat(message.get("answerWith").get("requestId").asText()).isEqualTo("per_9");
        assertThat(message.get("request")).isEqualTo(request);
        // The approval a person copies from answerWith parses once they pick a reply.
        ((com.fasterxml.jackson.databind.node.ObjectNode) message.get("answerWith")).put("reply", "once");
        assertThat(Approval.parse(message.get("answerWith")).reply()).isEqualTo(PermissionReply.ONCE);
    }

    @Test
    void pendingQuestionListsTheQuestions() throws Exception {
        JsonNode request = json("{\"id\":\"que_9\",\"sessionID\":\"ses_1\",\"questions\":[{\"question\":\"Which?\",\"header\":\"H\","
                + "\"options\":[{\"label\":\"a\",\"description\":\"A\"}]}]}");
        JsonNode message = new PendingInteraction(PendingInteraction.QUESTION, "que_9", "ses_1", "t", request, Instant.EPOCH, null)
                .toJson();
        assertThat(message.get("questions").get(0).get("header").asText()).isEqualTo("H");
        assertThat(message.has("command")).isFalse();
        assertThat(message.get("answerWith").get("answers").isArray()).isTrue();
    }
}
