// How the timeline and the report show a URL: without its query, which may
// carry a token (?key=..., ?access_token=...). The path and host stay: they
// say where a frame went.

/** `url` with its query replaced by "?…". */
export function withoutQuery(url: string): string {
    const q = url.indexOf("?")
    return q < 0 ? url : `${url.slice(0, q)}?…`
}
