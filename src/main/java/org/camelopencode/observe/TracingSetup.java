package org.camelopencode.observe;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.support.CamelContextHelper;

/**
 * Sets up OpenTelemetry for one Camel context without touching {@code GlobalOpenTelemetry} (several runners may share a
 * JVM): uses the context's only {@link OpenTelemetry} bean when there is one (tests bind an SDK with an in-memory
 * exporter), else builds an SDK that batches spans to an OTLP/HTTP endpoint with W3C trace-context propagation. Binds
 * its {@link Tracer} and {@link ContextPropagators} as beans, which camel-opentelemetry2 uses
 * ({@code camel.opentelemetry2.enabled}) instead of the global instance.
 */
public final class TracingSetup {

    private TracingSetup() {
    }

    /**
     * @param context      the Camel context, not started yet
     * @param otlpEndpoint OTLP/HTTP traces URL, for example {@code http://127.0.0.1:4318/v1/traces}; used only when the
     *                     context has no {@link OpenTelemetry} bean
     * @param serviceName  the {@code service.name} resource attribute of the built SDK
     * @return the dispatch spans; when this method built the SDK, it is closed (flushing its spans) with the context
     * @throws IllegalArgumentException when the endpoint is not a valid URL
     */
    public static DispatchTracing configure(CamelContext context, String otlpEndpoint, String serviceName) {
        OpenTelemetry openTelemetry = CamelContextHelper.findSingleByType(context, OpenTelemetry.class);
        if (openTelemetry == null) {
            OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                    .setTracerProvider(SdkTracerProvider.builder()
                            .setResource(Resource.getDefault().merge(Resource.create(
                                    Attributes.of(AttributeKey.stringKey("service.name"), serviceName))))
                            .addSpanProcessor(BatchSpanProcessor.builder(
                                    OtlpHttpSpanExporter.builder().setEndpoint(otlpEndpoint).build()).build())
                            .build())
                    .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                    .build();
            try {
                context.addService(new org.apache.camel.support.service.ServiceSupport() {
                    @Override
                    protected void doStop() {
                        sdk.close();
                    }
                }, true, true);
            } catch (Exception notAdded) {
                sdk.close();
                throw new IllegalStateException("cannot register the OpenTelemetry SDK with the Camel context", notAdded);
            }
            openTelemetry = sdk;
        }
        context.getRegistry().bind("openCodeTracer", Tracer.class, openTelemetry.getTracer("camel"));
        context.getRegistry().bind("openCodeContextPropagators", ContextPropagators.class, openTelemetry.getPropagators());
        return new DispatchTracing(openTelemetry);
    }
}
