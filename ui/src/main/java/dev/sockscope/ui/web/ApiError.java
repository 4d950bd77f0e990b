package dev.sockscope.ui.web;

/** An answer other than 2xx, with the message the JSON body carries: {@code {"error": "..."}}. */
final class ApiError extends RuntimeException {
    private final int status;

    ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static ApiError badParameter(String name, String problem) {
        return new ApiError(400, "parameter '" + name + "': " + problem);
    }

    static ApiError notFound(String what) {
        return new ApiError(404, what);
    }

    int status() {
        return status;
    }
}
