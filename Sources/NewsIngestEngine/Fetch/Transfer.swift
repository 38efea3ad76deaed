import CCurl

#if canImport(Glibc)
    import Glibc
#endif

/// One transfer on the ``HTTPClient``'s thread: its easy handle, what has arrived, and whom to tell.
final class Transfer {
    let request: HTTPRequest
    /// Whom to tell; handed on to the next hop's transfer when this one was a redirect.
    let completion: HTTPClient.Completion
    private(set) var handle: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// Where libcurl writes its message for a failed transfer; owned here, freed with the transfer.
    private let errorBuffer: UnsafeMutablePointer<CChar> = {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        buffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        return buffer
    }()
    private var body: [UInt8] = []
    private var headers: [(name: String, value: String)] = []
    /// Set when the body would pass `maxBytes`: the write callback then aborts the transfer.
    private var exceededLimit = false
    /// Bytes of the current response's header lines so far.
    private var headerBytes = 0
    /// True once they passed ``maxHeaderBytes`` (the transfer was aborted for it).
    private var exceededHeaderLimit = false
    /// The last address the scope refused a connection to, and its kind.
    private var refusedAddress: (address: String, kind: AddressKind)?
    /// The kind of address the transfer's connection went to (a new one or one reused).
    private(set) var connectedKind: AddressKind?

    /// The most bytes of header lines taken in one response: real servers send a few kilobytes; more is
    /// refused as `too_large` rather than held.
    static let maxHeaderBytes = 64 << 10
    private var completed = false

    init(request: HTTPRequest, completion: @escaping HTTPClient.Completion) {
        self.request = request
        self.completion = completion
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// Creates and configures the easy handle, to go through `proxy` (`nil`: directly).
    func start(proxy: String?) -> Result<UnsafeMutableRawPointer, HTTPFetchError> {
        guard HTTPRequest.isFetchable(request.url) else {
            return .failure(
                HTTPFetchError(kind: .badURL, url: request.url, message: "only http and https URLs are fetched"))
        }
        isProxied = proxy != nil
        // Through a proxy the sockets go to the proxy: a numeric host is checked here instead, before anything.
        if isProxied, let host = URLParts.host(of: request.url), let kind = AddressKind(literal: host) {
            guard request.scope.addresses.permit(kind) else {
                refusedAddress = (host, kind)
                return .failure(addressRefusal)
            }
            connectedKind = kind
        }
        guard let handle = curl_easy_init() else {
            return .failure(HTTPFetchError(kind: .other, url: request.url, message: "curl_easy_init failed"))
        }
        self.handle = handle
        let context = Unmanaged.passUnretained(self).toOpaque()
        ccurl_setopt_string(handle, CURLOPT_URL, request.url)
        ccurl_setopt_string(handle, CURLOPT_PROXY, proxy ?? "")  // "": none, whatever the environment says
        ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        ccurl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        // Redirects are followed by the client, one transfer per hop, each under the request's scope.
        ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        ccurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl can decode
        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeoutSeconds * 1000))
        ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(request.timeoutSeconds * 1000))
        ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, request.lowSpeedBytesPerSecond)
        ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, request.lowSpeedSeconds)
        ccurl_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        ccurl_setopt_string(handle, CURLOPT_USERAGENT, request.userAgent)
        if let caFile = request.caFile { ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        var headerLines = request.headers
        if let etag = request.etag { headerLines.append("If-None-Match: \(etag)") }
        if let lastModified = request.lastModified { headerLines.append("If-Modified-Since: \(lastModified)") }
        for line in headerLines { headerList = curl_slist_append(headerList, line) }
        if let headerList { ccurl_setopt_list(handle, CURLOPT_HTTPHEADER, headerList) }
        ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        ccurl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, transferWriteCallback)
        ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        ccurl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, transferHeaderCallback)
        ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        // Every address is checked twice: before a new connection is made (so a refused one never is), and
        // once a connection, new or reused from the pool, is about to carry the request.
        ccurl_setopt_opensocket(handle, transferOpenSocketCallback)
        ccurl_setopt_pointer(handle, CURLOPT_OPENSOCKETDATA, context)
        ccurl_setopt_prereq(handle, transferPrerequestCallback)
        ccurl_setopt_pointer(handle, CURLOPT_PREREQDATA, context)
        return .success(handle)
    }

    /// True when the transfer goes through a proxy (its sockets go to the operator's proxy).
    private var isProxied = false

    /// True when the scope lets the transfer connect to `kind` (or it goes to a proxy); otherwise remembers the
    /// refusal.
    fileprivate func permitsConnection(to kind: AddressKind?, address: @autoclosure () -> String) -> Bool {
        if isProxied { return true }
        // A family other than IPv4 and IPv6 (a Unix socket) is nothing a URL names.
        guard let kind, request.scope.addresses.permit(kind) else {
            refusedAddress = (address(), kind ?? .reserved)
            return false
        }
        connectedKind = kind
        return true
    }

    fileprivate func received(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard body.count + bytes.count <= request.maxBytes else {
            exceededLimit = true
            if request.truncatesAtMaxBytes { body.append(contentsOf: bytes.prefix(request.maxBytes - body.count)) }
            return 0  // aborts the transfer with CURLE_WRITE_ERROR
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// One header line as libcurl hands it over (with its line end): a status line starts a new response
    /// (after a redirect or a `100 Continue`); `Name: value` is kept with the name in lower case. False, to
    /// abort the transfer, once the response's header lines pass ``maxHeaderBytes``.
    fileprivate func receivedHeader(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let line = bytes.assumingMemoryBound(to: UInt8.self)
        if line.starts(with: "HTTP/".utf8) {
            headers.removeAll()
            headerBytes = 0
        }
        headerBytes += line.count
        guard headerBytes <= Self.maxHeaderBytes else {
            exceededHeaderLimit = true
            return false
        }
        if line.starts(with: "HTTP/".utf8) { return true }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return true }
        let name = line[..<colon].map(asciiLowercased)
        let value = UnsafeBufferPointer(rebasing: line[(colon + 1)...])
        headers.append(
            (
                String(decoding: name, as: UTF8.self).trimmingASCIIWhitespace(),
                String(decoding: value, as: UTF8.self).trimmingASCIIWhitespace()
            ))
        return true
    }

    /// The response, or why there is none, once libcurl reports `code`.
    func outcome(_ code: CURLcode) -> Result<HTTPResponse, HTTPFetchError> {
        guard let handle else { return .failure(HTTPFetchError(kind: .other, url: request.url, message: "no handle")) }
        if refusedAddress != nil, code == CURLE_COULDNT_CONNECT || code == CURLE_ABORTED_BY_CALLBACK {
            return .failure(addressRefusal)
        }
        let truncated = code == CURLE_WRITE_ERROR && exceededLimit && request.truncatesAtMaxBytes
        guard code == CURLE_OK || truncated else {
            let detail = String(
                decoding: UnsafeBufferPointer(start: errorBuffer, count: strlen(errorBuffer)).map {
                    UInt8(bitPattern: $0)
                },
                as: UTF8.self)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            let kind: HTTPFetchError.Kind
            switch code {
            case CURLE_WRITE_ERROR where exceededLimit:
                return .failure(
                    HTTPFetchError(
                        kind: .tooLarge, url: request.url, message: "body larger than \(request.maxBytes) bytes"))
            case CURLE_WRITE_ERROR where exceededHeaderLimit:
                return .failure(
                    HTTPFetchError(
                        kind: .tooLarge, url: request.url,
                        message: "response headers larger than \(Self.maxHeaderBytes) bytes"))
            case CURLE_OUT_OF_MEMORY:
                // What libcurl answers to a header line past its own limit (100 KB), before handing it over.
                return .failure(
                    HTTPFetchError(
                        kind: .tooLarge, url: request.url,
                        message: "a response header line too long for libcurl (\(message))"))
            case CURLE_OPERATION_TIMEDOUT: kind = .timeout
            case CURLE_TOO_MANY_REDIRECTS: kind = .redirect
            case CURLE_UNSUPPORTED_PROTOCOL: kind = redirectCount > 0 ? .redirect : .badURL
            case CURLE_URL_MALFORMAT: kind = .badURL
            case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_RECV_ERROR,
                CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_SSL_CONNECT_ERROR,
                CURLE_PEER_FAILED_VERIFICATION, CURLE_HTTP2, CURLE_HTTP2_STREAM:
                kind = .connection
            default: kind = .other
            }
            return .failure(HTTPFetchError(kind: kind, url: request.url, message: message))
        }
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>?
        ccurl_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let finalURL = effective.map { String(cString: $0) } ?? request.url
        var version = 0
        ccurl_getinfo_long(handle, CURLINFO_HTTP_VERSION, &version)
        let httpVersion: String? =
            switch version {
            case CURL_HTTP_VERSION_1_0: "1.0"
            case CURL_HTTP_VERSION_1_1: "1.1"
            case CURL_HTTP_VERSION_2_0: "2"
            case CURL_HTTP_VERSION_3: "3"
            default: nil
            }
        var redirectTarget: UnsafeMutablePointer<CChar>?
        if (300..<400).contains(status) { ccurl_getinfo_string(handle, CURLINFO_REDIRECT_URL, &redirectTarget) }
        return .success(
            HTTPResponse(
                status: status, finalURL: finalURL, headers: headers, body: body, httpVersion: httpVersion,
                addressKind: request.firstAddressKind ?? connectedKind,
                redirectTarget: redirectTarget.map { String(cString: $0) }))
    }

    /// Why the transfer was refused its connection.
    private var addressRefusal: HTTPFetchError {
        let (address, kind) = refusedAddress ?? ("?", .reserved)
        let article = kind == .unspecified ? "an" : "a"
        return HTTPFetchError(
            kind: .addressNotAllowed, url: request.url,
            message:
                "refused to connect to \(address), \(article) \(kind.rawValue) address, which a link or redirect may not "
                + "reach (the source's allow_private_addresses)")
    }

    /// Redirects followed before this hop.
    private var redirectCount: Int { 5 - request.redirectsLeft }

    /// Tells the requester, once.
    func complete(_ result: Result<HTTPResponse, HTTPFetchError>) {
        guard !completed else { return }
        completed = true
        completion(result)
    }
}

/// libcurl's write callback: the body as it arrives (decoded), `context` is the ``Transfer``.
private let transferWriteCallback: ccurl_data_callback = { data, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.received(UnsafeRawBufferPointer(start: data, count: size * count))
}

/// libcurl's header callback: one header line at a time.
private let transferHeaderCallback: ccurl_data_callback = { data, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    // Anything but the count given aborts the transfer (CURLE_WRITE_ERROR).
    return transfer.receivedHeader(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
}

/// libcurl's socket callback, before each new connection: refuses an address the request's scope does not
/// permit (the transfer then fails with `CURLE_COULDNT_CONNECT`), and otherwise opens the socket as libcurl
/// would. This sees the address DNS gave for this very connection, so a name that resolves to a private
/// address only now (DNS rebinding) is caught.
private let transferOpenSocketCallback: curl_opensocket_callback = { context, _, address in
    guard let context, let address else { return CURL_SOCKET_BAD }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    let socketAddress = ccurl_sockaddr_address(address)!
    guard
        transfer.permitsConnection(
            to: AddressKind(socketAddress: socketAddress), address: SocketAddressText.of(socketAddress))
    else { return CURL_SOCKET_BAD }
    return socket(
        address.pointee.family, address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.protocol)
}

/// libcurl's callback once a connection (new, or reused from the pool) is about to carry the request: the
/// same check on the address it is connected to.
private let transferPrerequestCallback: curl_prereq_callback = { context, primaryIP, _, _, _ in
    guard let context else { return CURL_PREREQFUNC_ABORT }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    let address = primaryIP.map { String(cString: $0) } ?? ""
    return transfer.permitsConnection(to: AddressKind(literal: address), address: address)
        ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT
}
