package org.camelopencode.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.server.ProcessMemory;

/**
 * Row 1's contenders that run in a JVM, one per child process so that each one's memory is its own: {@code component}
 * (a Camel route {@code direct:task -> opencode:dispatch}) and {@code http} (a minimal JDK {@code HttpClient} loop:
 * {@code POST /session}, then the synchronous {@code POST /session/{id}/message}).
 *
 * <p>Protocol on standard input/output, one line each (other output, such as logging, never starts with {@value #PREFIX}):
 * {@code task <index> <prompt>} answers {@code @bench ok <index> <nanoseconds>} when the reply is the scripted model's
 * offline demo reply to the prompt, else {@code @bench fail <index> <reason>}; {@code memory} answers
 * {@code @bench memory <peak resident bytes (VmHWM)> <peak heap bytes (sum of heap pools' peaks)>}. End of input ends
 * the process. Arguments: mode, server URL, username, model ({@code provider/model}); the password comes from the
 * environment variable {@value #PASSWORD_VARIABLE} (never the command line).
 */
public final class EndToEndWorker {

    /** Start of every protocol line written by the worker. */
    public static final String PREFIX = "@bench ";

    /** Environment variable holding the server password. */
    public static final String PASSWORD_VARIABLE = "BENCH_OPENCODE_PASSWORD";

    /** The session title every contender sends, as the component titles a first attempt without a task title. */
    static final String TITLE = "task [attempt 1]";

    private interface Contender extends AutoCloseable {
        String dispatch(String prompt) throws Exception;
    }

    /**
     * @param args mode ({@code component} or {@code http}), server base URL, username, model
     * @throws Exception when the contender cannot start
     */
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String url = args[1];
        String username = args[2];
        String model = args[3];
        String password = System.getenv(PASSWORD_VARIABLE);
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Contender contender = mode.equals("component") ? component(url, username, password, model)
                : plainHttp(url, username, password, model)) {
            answer("ready");
            for (String line = input.readLine(); line != null; line = input.readLine()) {
                if (line.equals("memory")) {
                    answer("memory " + ProcessMemory.peakResidentBytesOfTree(ProcessHandle.current().pid()) + " " + peakHeapBytes());
                    continue;
                }
                String[] command = line.split(" ", 3);
                long start = System.nanoTime();
                try {
                    String reply = contender.dispatch(command[2]);
                    long nanos = System.nanoTime() - start;
                    String expected = expectedReply(command[2]);
                    answer(reply.equals(expected) ? "ok " + command[1] + " " + nanos
                            : "fail " + command[1] + " unexpected reply " + reply.replace('\n', ' '));
                } catch (Exception error) {
                    answer("fail " + command[1] + " " + String.valueOf(error).replace('\n', ' '));
                }
            }
        }
    }

    /** @return what the scripted model's built-in offline demo answers to a prompt without "json" */
    static String expectedReply(String prompt) {
        return "[offline demo reply] " + prompt.lines().findFirst().orElse("");
    }

    private static void answer(String line) {
        synchronized (System.out) {
            System.out.println(PREFIX + line);
            System.out.flush();
        }
    }

    private static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static Contender component(String url, String username, String password, String model) throws Exception {
        OpenCodeComponent component = new OpenCodeComponent();
        component.getConfiguration().setServerUrl(url);
        component.getConfiguration().setUsername(username);
        component.getConfiguration().setPassword(password);
        component.getConfiguration().setModel(model);
        component.getConfiguration().setTimeout(java.time.Duration.parse("PT60S"));
        CamelContext camel = new DefaultCamelContext();
        camel.addComponent("opencode", component);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:task").to("opencode:dispatch");
            }
        });
        camel.start();
        ProducerTemplate template = camel.createProducerTemplate();
        return new Contender() {
            @Override
            public String dispatch(String prompt) {
                return template.requestBody("direct:task", prompt, DispatchResult.class).text();
            }

            @Override
            public void close() throws Exception {
                camel.close();
            }
        };
    }

    /** What a user writing it by hand would do: two requests, the second one blocking until the turn is over. */
    private static Contender plainHttp(String url, String username, String password, String model) {
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String authorization = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        String[] providerAndModel = model.split("/", 2);
        return new Contender() {
            @Override
            public String dispatch(String prompt) throws Exception {
                JsonNode session = post("/session", json.createObjectNode().put("title", TITLE));
                var body = json.createObjectNode();
                body.putObject("model").put("providerID", providerAndModel[0]).put("modelID", providerAndModel[1]);
                body.putArray("parts").addObject().put("type", "text").put("text", prompt);
                JsonNode message = post("/session/" + session.get("id").asText() + "/message", body);
                StringBuilder text = new StringBuilder();
                for (JsonNode part : message.path("parts")) {
                    if (part.path("type").asText().equals("text")) {
                        text.append(part.path("text").asText());
                    }
                }
                return text.toString();
            }

            private JsonNode post(String path, JsonNode body) throws Exception {
                HttpRequest request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                        .header("Authorization", authorization).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("POST " + path + " answered " + response.statusCode());
                }
                return json.readTree(response.body());
            }

            @Override
            public void close() {
                // the JDK client frees its connections when collected; the process ends right after
            }
        };
    }

    private EndToEndWorker() {
    }
}
