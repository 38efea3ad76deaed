/// The HTTP side of ``MetricsServer``: what a request head asks, and the bytes of the answer.
enum MetricsRequest {
    /// The offset just past the blank line ending a request head, when `bytes` holds one.
    static func headEnd(in bytes: [UInt8]) -> Int? {
        let end: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
        guard bytes.count >= end.count else { return nil }
        for start in 0...(bytes.count - end.count) where bytes[start..<start + end.count].elementsEqual(end) {
            return start + end.count
        }
        return nil
    }

    /// The answer to the request head `head`: the metrics (`metrics()`, asked only then) for `GET` or `HEAD`
    /// of `/metrics`, else an error status. Every answer closes the connection.
    static func answer(to head: [UInt8], metrics: () -> String) -> [UInt8] {
        guard headEnd(in: head) != nil, let lineEnd = head.firstIndex(of: 0x0D),
            let line = String(validating: head[..<lineEnd], as: UTF8.self)
        else {
            return response(400, "Bad Request", body: "bad request\n")
        }
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            return response(400, "Bad Request", body: "bad request\n")
        }
        let method = parts[0]
        let path = parts[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard path == "/metrics" else { return response(404, "Not Found", body: "not found; try /metrics\n") }
        guard method == "GET" || method == "HEAD" else {
            return response(405, "Method Not Allowed", body: "only GET and HEAD\n", extra: "Allow: GET, HEAD\r\n")
        }
        let body = metrics()
        return response(
            200, "OK", body: body, type: "text/plain; version=0.0.4; charset=utf-8", includingBody: method == "GET")
    }

    private static func response(
        _ status: Int, _ reason: String, body: String, type: String = "text/plain; charset=utf-8",
        extra: String = "", includingBody: Bool = true
    ) -> [UInt8] {
        let head =
            "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\n"
            + extra + "Connection: close\r\n\r\n"
        return Array(head.utf8) + (includingBody ? Array(body.utf8) : [])
    }
}
