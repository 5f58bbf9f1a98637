// Stand-in for ESP-IDF 5.0's http_parser.h (components/http_parser/
// http_parser.h at v5.0.5, 03d7a3807bee; nodejs/http-parser's): only the
// methods the camera server registers, with their numbers there
// (HTTP_METHOD_MAP: DELETE 0, GET 1, HEAD 2, POST 3, PUT 4).
#pragma once

enum http_method {
    HTTP_DELETE = 0,
    HTTP_GET = 1,
    HTTP_HEAD = 2,
    HTTP_POST = 3,
    HTTP_PUT = 4,
};
