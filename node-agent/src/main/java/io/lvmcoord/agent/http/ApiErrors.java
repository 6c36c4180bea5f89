package io.lvmcoord.agent.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * What Jetty answers by itself (a request it cannot parse: 400, 431, a missing Host) in the API's
 * one error shape, {@code {"error": "message"}}, instead of an HTML page: the CLI prints the
 * message of any answer it gets, and scripts parse one shape.
 */
final class ApiErrors extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        String text = message != null && !message.isBlank() ? message : HttpStatus.getMessage(code);
        byte[] body = HttpResponse.error(code, text).body();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, HttpResponse.JSON);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
