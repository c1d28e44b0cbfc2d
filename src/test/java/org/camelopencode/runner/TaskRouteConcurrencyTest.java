package org.camelopencode.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped route template {@code opencode-task} ({@code routes/templates.yaml}) keeps at most its {@code concurrency}
 * tasks in flight although {@code opencode:dispatch} is asynchronous. Here {@code opencode:} is a stand-in whose
 * producer parks each exchange (returns without completing it) until the test completes it, as a real dispatch does
 * while its session runs; the trigger is a seda queue with more consumers than the bound, as the Kafka worker route.
 */
class TaskRouteConcurrencyTest {

    private static final String INSTANCE = """
            - routeConfiguration:
                id: opencode-playbook
            - templatedRoute:
                routeTemplateRef: opencode-task
                routeId: bounded
                parameters:
                  - name: from
                    value: "seda:tasks?concurrentConsumers=4"
                  - name: results
                    value: "mock:results"
                  - name: deadLetter
                    value: "mock:dead-letter"
                  - name: steps
                    value: plainSteps
                  - name: concurrency
                    value: "2"
            """;

    private final BlockingQueue<Parked> parked = new LinkedBlockingQueue<>();
    private CamelContext context;

    /** An exchange the stand-in dispatch holds, and how to let it go on. */
    private record Parked(Exchange exchange, AsyncCallback callback) {
        void complete() {
            callback.done(false);
        }
    }

    /** Task steps that leave the body as it is. */
    public static final class PlainSteps implements TaskSteps {
        @Override
        public void readTask(Exchange exchange) {
        }

        @Override
        public void resultRecord(Exchange exchange) {
        }

        @Override
        public void errorRecord(Exchange exchange) {
        }
    }

    @AfterEach
    void stop() {
        parked.forEach(Parked::complete);
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void atMostConcurrencyTasksAreInFlightAndTheNextStartsWhenOneEnds() throws Exception {
        context = new DefaultCamelContext();
        context.getRegistry().bind("plainSteps", new PlainSteps());
        context.addComponent("opencode", new ParkingComponent());
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context, "file:routes/templates.yaml"));
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("bounded.yaml", INSTANCE));
        context.start();
        MockEndpoint results = context.getEndpoint("mock:results", MockEndpoint.class);
        ProducerTemplate producer = context.createProducerTemplate();
        for (int task = 0; task < 6; task++) {
            producer.sendBody("seda:tasks", "task " + task);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> parked.size() == 2);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> parked.size() == 2);
        parked.take().complete();
        await().atMost(Duration.ofSeconds(10)).until(() -> results.getReceivedCounter() == 1 && parked.size() == 2);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> parked.size() == 2);
        for (int done = 1; done < 6; done++) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !parked.isEmpty());
            parked.take().complete();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> results.getReceivedCounter() == 6);
        assertThat(parked).isEmpty();
    }

    /** {@code opencode:} whose producer parks every exchange in {@link #parked}. */
    private final class ParkingComponent extends DefaultComponent {
        @Override
        protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
            return new DefaultEndpoint(uri, this) {
                @Override
                public Producer createProducer() {
                    return new DefaultAsyncProducer(this) {
                        @Override
                        public boolean process(Exchange exchange, AsyncCallback callback) {
                            parked.add(new Parked(exchange, callback));
                            return false;
                        }
                    };
                }

                @Override
                public Consumer createConsumer(Processor processor) {
                    throw new UnsupportedOperationException("producer only");
                }
            };
        }
    }
}
