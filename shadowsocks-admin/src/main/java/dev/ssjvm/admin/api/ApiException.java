package dev.ssjvm.admin.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the API refuses: the status and the message of the {@code {"error": ...}} reply. Stackless. */
final class ApiException extends Exception {
    private final HttpResponseStatus status;

    ApiException(HttpResponseStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(HttpResponseStatus.NOT_FOUND, message);
    }

    HttpResponseStatus status() {
        return status;
    }
}
