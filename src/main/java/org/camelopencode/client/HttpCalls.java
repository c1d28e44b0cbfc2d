package org.camelopencode.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The HTTP side of {@link OpenCodeClient}: one JSON request and its answer, with Basic auth, the {@code directory} query
 * parameter of a directory view, and the client's exceptions (non-2xx: {@link OpenCodeApiException} via
 * {@link ApiErrors}; I/O and timeouts: {@link OpenCodeConnectionException}; a body that is not the expected JSON:
 * {@link OpenCodeProtocolException}). Messages name method and path, never credentials. Thread-safe.
 */
final class HttpCalls {

    private static final String JSON = "application/json";

    private final ServerEndpoint endpoint;
    private final ClientOptions options;
    private final HttpClient httpClient;
    private final ObjectMapper mapper = OpenCodeJson.mapper();
    /** {@code directory=<encoded>} for a directory view, else "". */
    private final String directoryQuery;

    /**
     * @param endpoint the server
     * @param options timeouts
     * @param httpClient the shared HTTP client
     * @param directory the directory every call but {@code /global/*} names, or {@code null} for none
     */
    HttpCalls(ServerEndpoint endpoint, ClientOptions options, HttpClient httpClient, Path directory) {
        this.endpoint = endpoint;
        this.options = options;
        this.httpClient = httpClient;
        this.directoryQuery = directory == null ? ""
                : "directory=" + URLEncoder.encode(directory.toString(), StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Sends one request and waits for its answer.
     *
     * @param responseType the answer's type; null means the body is ignored (e.g. 204)
     * @return the answer, or null without a response type
     */
    <T> T send(String method, String path, Object body, Duration timeout, JavaType responseType) {
        String request = method + " " + path;
        HttpResponse<String> response;
        try {
            response = httpClient.send(newRequest(method, path, body, timeout), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenCodeConnectionException(request + " to " + endpoint.baseUri() + ": interrupted", e, false);
        } catch (IOException e) {
            throw connectionFailure(request, timeout, e);
        }
        return answer(request, response, responseType);
    }

    /**
     * Sends one request without waiting.
     *
     * @return completes with the answer, or exceptionally with the exceptions of {@link #send}
     */
    <T> CompletableFuture<T> sendAsync(String method, String path, Object body, Duration timeout, JavaType responseType) {
        String request = method + " " + path;
        return httpClient.sendAsync(newRequest(method, path, body, timeout), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .handle((response, failure) -> {
                    if (failure != null) {
                        throw connectionFailure(request, timeout, failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure);
                    }
                    return this.<T>answer(request, response, responseType);
                });
    }

    private HttpRequest newRequest(String method, String path, Object body, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint.resolve(scoped(path)))
                .timeout(timeout)
                .header("Accept", JSON);
        endpoint.authorizationHeader().ifPresent(header -> builder.header("Authorization", header));
        if (body != null) {
            builder.header("Content-Type", JSON).method(method, HttpRequest.BodyPublishers.ofByteArray(toJson(method + " " + path, body)));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return builder.build();
    }

    /** @return the path with the view's {@code directory} query parameter; {@code /global/*} paths unchanged */
    private String scoped(String path) {
        if (directoryQuery.isEmpty() || path.startsWith("/global/")) {
            return path;
        }
        return path + (path.indexOf('?') < 0 ? "?" : "&") + directoryQuery;
    }

    private OpenCodeConnectionException connectionFailure(String request, Duration timeout, Throwable failure) {
        if (failure instanceof HttpTimeoutException) {
            String what = failure instanceof HttpConnectTimeoutException ? "connect timed out after " + options.connectTimeout()
                    : "no response within " + timeout;
            return new OpenCodeConnectionException(request + " to " + endpoint.baseUri() + ": " + what, failure, true);
        }
        if (failure instanceof ConnectException) {
            return new OpenCodeConnectionException(request + " to " + endpoint.baseUri() + ": connection refused", failure, false);
        }
        return new OpenCodeConnectionException(request + " to " + endpoint.baseUri() + ": I/O error ("
                + failure.getClass().getSimpleName() + (failure.getMessage() != null ? ": " + failure.getMessage() : "") + ")",
                failure, false);
    }

    private <T> T answer(String request, HttpResponse<String> response, JavaType responseType) {
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw ApiErrors.toException(request, status, response.body());
        }
        if (responseType == null) {
            return null;
        }
        return fromJson(request, response.body(), responseType);
    }

    private byte[] toJson(String request, Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new OpenCodeClientException(request + ": cannot serialize the request body", e);
        }
    }

    private <T> T fromJson(String request, String body, JavaType responseType) {
        if (body == null || body.isBlank()) {
            throw new OpenCodeProtocolException(request + ": expected JSON but the response body is empty");
        }
        try {
            JsonNode tree = mapper.readTree(body);
            if (tree == null || tree.isMissingNode()) {
                throw new OpenCodeProtocolException(request + ": expected JSON but got: " + OpenCodeProtocolException.excerpt(body));
            }
            return mapper.treeToValue(tree, responseType);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new OpenCodeProtocolException(request + ": response is not the expected JSON ("
                    + responseType.getTypeName() + "): " + OpenCodeProtocolException.excerpt(body), e);
        }
    }
}
