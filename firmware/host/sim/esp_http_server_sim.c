// esp_http_server (ESP-IDF v5.0.5, components/esp_http_server at commit
// 03d7a3807bee) over the simulator: sim/firmware/esp-http-server.ts holds
// the sessions (the host's connections when `sim --serve` listens) and the
// request each brings; here is httpd's task, the URI matching and the
// responses, as much as firmware/main/cam_camera_server.c uses:
// - httpd_start starts the server's task (config.stack_size); the task waits
//   for a request on any session, matches its path without the query against
//   the registered URIs (httpd_uri.c httpd_uri: a known path with another
//   method is 405, an unknown one 404, each to its error handler), runs the
//   handler, and closes the session when the handler fails (httpd_sess.c:
//   a failed request deletes its session). close_fn is called for every
//   session httpd closes (httpd_sess_delete).
// - httpd_resp_send writes "HTTP/1.1 <status>", Content-Type, Content-Length,
//   the headers set, then the body (httpd_txrx.c httpd_resp_send; defaults
//   "200 OK" and "text/html"); httpd_socket_send writes on a session's
//   socket. Both block the calling task until the socket took the bytes.
// - httpd_sess_trigger_close asks httpd's task to close a session; httpd_stop
//   closes every session and ends the task.

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "esp_http_server.h"
#include "sim.h"

#define MAX_HANDLERS 8
#define MAX_RESP_HEADERS 8

typedef struct {
    uint32_t id; // the simulator's
    httpd_config_t config;
    httpd_uri_t handlers[MAX_HANDLERS];
    char *uris[MAX_HANDLERS];
    unsigned count;
    httpd_err_handler_func_t err[HTTPD_ERR_CODE_MAX];
} server_t;

typedef struct {
    int fd;
    const char *status;
    const char *type;
    const char *names[MAX_RESP_HEADERS];
    const char *values[MAX_RESP_HEADERS];
    unsigned headers;
} aux_t;

static int send_bytes(server_t *s, int fd, const char *buf, size_t len) {
    sim_httpd_send(s->id, (uint32_t)fd, (uint32_t)(uintptr_t)buf, (uint32_t)len);
    return (int)sim_block_current_task();
}

// httpd closes a session: close_fn (which closes the socket itself), else close()
static void close_session(server_t *s, int fd) {
    if (s->config.close_fn != NULL)
        s->config.close_fn(s, fd);
    else
        close(fd);
    sim_httpd_close(s->id, (uint32_t)fd);
}

static void handle_request(server_t *s, int fd) {
    httpd_req_t req;
    memset(&req, 0, sizeof(req));
    aux_t aux = {.fd = fd, .status = "200 OK", .type = "text/html"};
    req.handle = s;
    req.aux = &aux;
    req.method = (int)sim_httpd_request(s->id, (uint32_t)fd, (char *)req.uri, sizeof(req.uri));
    char path[HTTPD_MAX_URI_LEN + 1];
    size_t n = strcspn(req.uri, "?");
    memcpy(path, req.uri, n);
    path[n] = 0;
    const httpd_uri_t *found = NULL;
    bool known = false;
    for (unsigned i = 0; i < s->count && found == NULL; ++i) {
        if (strcmp(s->uris[i], path) != 0)
            continue;
        known = true;
        if ((int)s->handlers[i].method == req.method)
            found = &s->handlers[i];
    }
    esp_err_t err;
    if (found != NULL) {
        req.user_ctx = found->user_ctx;
        err = found->handler(&req);
    } else {
        httpd_err_code_t code = known ? HTTPD_405_METHOD_NOT_ALLOWED : HTTPD_404_NOT_FOUND;
        if (s->err[code] != NULL) {
            err = s->err[code](&req, code);
        } else {
            httpd_resp_set_status(&req, known ? "405 Method Not Allowed" : "404 Not Found");
            httpd_resp_send(&req, NULL, 0);
            err = ESP_FAIL; // httpd_resp_send_err: the session is closed after
        }
    }
    if (err != ESP_OK)
        close_session(s, fd);
    else
        sim_httpd_done(s->id, (uint32_t)fd);
}

static void httpd_task(void *arg) {
    server_t *s = arg;
    for (;;) {
        sim_httpd_wait(s->id);
        int32_t what = sim_block_current_task(); // > 0 a request on that session, 0 closes, < 0 stopped
        if (what < 0)
            break;
        if (what == 0) {
            int32_t fd;
            while ((fd = (int32_t)sim_httpd_next_close(s->id)) > 0)
                close_session(s, fd);
            continue;
        }
        handle_request(s, what);
    }
    for (unsigned i = 0; i < s->count; ++i)
        free(s->uris[i]);
    free(s);
    vTaskDelete(NULL);
}

esp_err_t httpd_start(httpd_handle_t *handle, const httpd_config_t *config) {
    if (handle == NULL || config == NULL)
        return ESP_ERR_INVALID_ARG;
    uint32_t id = sim_httpd_start(config->server_port, config->max_open_sockets);
    if (id == 0)
        return ESP_FAIL; // httpd_server_init: bind failed
    server_t *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        sim_httpd_stop(id);
        return ESP_ERR_HTTPD_ALLOC_MEM;
    }
    s->id = id;
    s->config = *config;
    if (xTaskCreate(httpd_task, "httpd", (uint32_t)config->stack_size, s, config->task_priority, NULL) != pdPASS) {
        sim_httpd_stop(id);
        free(s);
        return ESP_ERR_HTTPD_TASK;
    }
    *handle = s;
    return ESP_OK;
}

esp_err_t httpd_stop(httpd_handle_t handle) {
    server_t *s = handle;
    if (s == NULL)
        return ESP_ERR_INVALID_ARG;
    int32_t fd;
    while ((fd = (int32_t)sim_httpd_next_open(s->id)) > 0)
        close_session(s, fd);
    sim_httpd_stop(s->id); // the task ends (and frees s) when it next runs
    return ESP_OK;
}

esp_err_t httpd_register_uri_handler(httpd_handle_t handle, const httpd_uri_t *uri_handler) {
    server_t *s = handle;
    if (s == NULL || uri_handler == NULL || uri_handler->uri == NULL)
        return ESP_ERR_INVALID_ARG;
    for (unsigned i = 0; i < s->count; ++i)
        if (strcmp(s->uris[i], uri_handler->uri) == 0 && s->handlers[i].method == uri_handler->method)
            return ESP_ERR_HTTPD_HANDLER_EXISTS;
    if (s->count >= MAX_HANDLERS || s->count >= s->config.max_uri_handlers)
        return ESP_ERR_HTTPD_HANDLERS_FULL;
    char *copy = malloc(strlen(uri_handler->uri) + 1); // httpd_uri.c copies the uri
    if (copy == NULL)
        return ESP_ERR_HTTPD_ALLOC_MEM;
    strcpy(copy, uri_handler->uri);
    s->uris[s->count] = copy;
    s->handlers[s->count] = *uri_handler;
    s->handlers[s->count].uri = copy;
    s->count++;
    return ESP_OK;
}

esp_err_t httpd_register_err_handler(httpd_handle_t handle, httpd_err_code_t error,
                                     httpd_err_handler_func_t handler_fn) {
    server_t *s = handle;
    if (s == NULL || error >= HTTPD_ERR_CODE_MAX)
        return ESP_ERR_INVALID_ARG;
    s->err[error] = handler_fn;
    return ESP_OK;
}

int httpd_req_to_sockfd(httpd_req_t *r) {
    return r != NULL && r->aux != NULL ? ((aux_t *)r->aux)->fd : -1;
}

size_t httpd_req_get_hdr_value_len(httpd_req_t *r, const char *field) {
    if (r == NULL || field == NULL)
        return 0;
    server_t *s = r->handle;
    int32_t n = sim_httpd_header(s->id, (uint32_t)httpd_req_to_sockfd(r), field, strlen(field), NULL, 0);
    return n > 0 ? (size_t)n : 0;
}

esp_err_t httpd_req_get_hdr_value_str(httpd_req_t *r, const char *field, char *val, size_t val_size) {
    if (r == NULL || field == NULL || val == NULL || val_size == 0)
        return ESP_ERR_INVALID_ARG;
    server_t *s = r->handle;
    int32_t n = sim_httpd_header(s->id, (uint32_t)httpd_req_to_sockfd(r), field, strlen(field), val, val_size - 1);
    if (n < 0)
        return ESP_ERR_NOT_FOUND;
    val[(size_t)n < val_size - 1 ? (size_t)n : val_size - 1] = 0;
    return (size_t)n > val_size - 1 ? ESP_ERR_HTTPD_RESULT_TRUNC : ESP_OK;
}

esp_err_t httpd_resp_set_status(httpd_req_t *r, const char *status) {
    if (r == NULL || status == NULL)
        return ESP_ERR_INVALID_ARG;
    ((aux_t *)r->aux)->status = status;
    return ESP_OK;
}

esp_err_t httpd_resp_set_type(httpd_req_t *r, const char *type) {
    if (r == NULL || type == NULL)
        return ESP_ERR_INVALID_ARG;
    ((aux_t *)r->aux)->type = type;
    return ESP_OK;
}

esp_err_t httpd_resp_set_hdr(httpd_req_t *r, const char *field, const char *value) {
    if (r == NULL || field == NULL || value == NULL)
        return ESP_ERR_INVALID_ARG;
    aux_t *aux = r->aux;
    if (aux->headers >= MAX_RESP_HEADERS)
        return ESP_ERR_HTTPD_RESP_HDR; // more than max_resp_headers
    aux->names[aux->headers] = field;
    aux->values[aux->headers] = value;
    aux->headers++;
    return ESP_OK;
}

esp_err_t httpd_resp_send(httpd_req_t *r, const char *buf, ssize_t buf_len) {
    if (r == NULL)
        return ESP_ERR_INVALID_ARG;
    aux_t *aux = r->aux;
    server_t *s = r->handle;
    if (buf_len == HTTPD_RESP_USE_STRLEN)
        buf_len = buf != NULL ? (ssize_t)strlen(buf) : 0;
    char head[HTTPD_MAX_REQ_HDR_LEN];
    int n = snprintf(head, sizeof(head), "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n",
                     aux->status, aux->type, (int)buf_len);
    for (unsigned i = 0; i < aux->headers && n > 0 && (size_t)n < sizeof(head); ++i)
        n += snprintf(head + n, sizeof(head) - (size_t)n, "%s: %s\r\n", aux->names[i], aux->values[i]);
    if (n <= 0 || (size_t)n + 2 >= sizeof(head))
        return ESP_ERR_HTTPD_RESP_HDR;
    memcpy(head + n, "\r\n", 2);
    n += 2;
    if (send_bytes(s, aux->fd, head, (size_t)n) != n)
        return ESP_ERR_HTTPD_RESP_SEND;
    if (buf != NULL && buf_len > 0 && send_bytes(s, aux->fd, buf, (size_t)buf_len) != (int)buf_len)
        return ESP_ERR_HTTPD_RESP_SEND;
    return ESP_OK;
}

int httpd_socket_send(httpd_handle_t hd, int sockfd, const char *buf, size_t buf_len, int flags) {
    (void)flags;
    server_t *s = hd;
    if (s == NULL || buf == NULL)
        return HTTPD_SOCK_ERR_INVALID;
    int n = send_bytes(s, sockfd, buf, buf_len);
    return n < 0 ? HTTPD_SOCK_ERR_FAIL : n;
}

esp_err_t httpd_sess_trigger_close(httpd_handle_t handle, int sockfd) {
    server_t *s = handle;
    if (s == NULL)
        return ESP_ERR_INVALID_ARG;
    return sim_httpd_trigger_close(s->id, (uint32_t)sockfd) ? ESP_OK : ESP_ERR_NOT_FOUND;
}
