package org.camelopencode.dispatch;

/**
 * Told the session of a dispatch as soon as {@code POST /session} returned it, before the prompt is sent.
 *
 * @deprecated use {@link AttemptListener#sessionCreated}, passed with {@link Dispatcher#dispatch(DispatchRequest, AttemptListener)}
 */
@Deprecated
@FunctionalInterface
public interface SessionCreatedListener {

    /**
     * @param request the attempt (the same instance that was passed to {@link Dispatcher#dispatch})
     * @param sessionId the new session ({@code ses_...})
     */
    void sessionCreated(DispatchRequest request, String sessionId);
}
