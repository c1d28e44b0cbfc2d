package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class InJvmKafkaSmokeTest {
    @Test
    void camelKafkaRoundTrip() throws Exception {
        try (InJvmKafka kafka = InJvmKafka.start(); CamelContext camel = new DefaultCamelContext()) {
            camel.start();
            String uri = "kafka:smoke?brokers=" + kafka.bootstrapServers() + "&groupId=g&autoOffsetReset=earliest";
            camel.createProducerTemplate().sendBodyAndHeader(uri, "hello", "kafka.KEY", "k1");
            ConsumerTemplate consumer = camel.createConsumerTemplate();
            assertThat(consumer.receiveBody(uri, 30_000, String.class)).isEqualTo("hello");
        }
    }
}
