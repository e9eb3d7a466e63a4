package dev.ssjvm.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * What the API answers to one request: a status and a JSON body, or no body at all.
 *
 * @param allow for 405, the methods the resource takes; otherwise {@code null}
 */
record Reply(HttpResponseStatus status, JsonNode body, String allow) {

    static Reply ok(JsonNode body) {
        return new Reply(HttpResponseStatus.OK, body, null);
    }

    static Reply created() {
        return new Reply(HttpResponseStatus.CREATED, null, null);
    }

    static Reply noContent() {
        return new Reply(HttpResponseStatus.NO_CONTENT, null, null);
    }

    /** The spec's standard error: {@code {"error": message}}. */
    static Reply error(HttpResponseStatus status, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", message);
        return new Reply(status, body, null);
    }

    static Reply of(ApiException e) {
        return error(e.status(), e.getMessage());
    }

    static Reply methodNotAllowed(String method, String allow) {
        Reply r = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method " + method + " is not allowed here; use "
                + allow.replace(",", " or"));
        return new Reply(r.status, r.body, allow);
    }

    /** Outside the secret prefix: 404 and nothing else, so a stranger learns nothing. */
    static Reply hidden() {
        return new Reply(HttpResponseStatus.NOT_FOUND, null, null);
    }
}
