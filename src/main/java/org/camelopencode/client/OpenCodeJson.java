package org.camelopencode.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The shared Jackson mapper for OpenCode JSON: unknown properties ignored (the server adds fields freely). */
public final class OpenCodeJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private OpenCodeJson() {
    }

    /** @return the shared, thread-safe mapper; do not reconfigure it */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
