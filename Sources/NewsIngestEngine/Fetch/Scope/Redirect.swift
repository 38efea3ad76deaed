extension HTTPRequest {
    /// Headers that carry credentials: never sent on to another host.
    static let credentialHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie"]

    /// Removes the headers that carry credentials (``credentialHeaders``, by name in any case).
    mutating func dropCredentialHeaders() {
        headers.removeAll { line in
            Self.credentialHeaders.contains(line.prefix { $0 != ":" }.trimmingCharacters(in: .whitespaces).lowercased())
        }
    }

    /// The request for the hop a `3xx` `response` points to, or why it may not be followed; `nil` when the
    /// response is not a redirect (it is then the answer).
    ///
    /// A redirect is held to `http(s)`, to at most five hops, and to the scope: its host must be one
    /// ``FetchScope/redirectHosts`` permits, and its connection to an address
    /// ``FetchScope/Addresses/afterRedirect(from:)`` permits. Headers carrying credentials (and user
    /// information in the URL) stay with the host they were configured for.
    func redirected(by response: HTTPResponse) -> Result<HTTPRequest, HTTPFetchError>? {
        // libcurl resolves only `Location`s it could follow; another (`file:///etc/passwd`) is taken as written.
        guard [301, 302, 303, 307, 308].contains(response.status),
            let target = response.redirectTarget ?? response.header("location")
        else { return nil }
        let shown = URLParts.withoutCredentials(target)
        guard redirectsLeft > 0 else {
            return .failure(HTTPFetchError(kind: .redirect, url: url, message: "more than 5 redirects"))
        }
        guard HTTPRequest.isFetchable(target) else {
            return .failure(
                HTTPFetchError(
                    kind: .redirect, url: url, message: "redirect to \(shown): only http and https are followed"))
        }
        if let hosts = scope.redirectHosts, !hosts.permits(target) {
            return .failure(
                HTTPFetchError(
                    kind: .redirectNotAllowed, url: url,
                    message: "redirect to \(shown), off the source's site (\(hosts.site)) and its follow_hosts"))
        }
        var next = self
        next.url = target
        next.redirectsLeft -= 1
        next.firstAddressKind = firstAddressKind ?? response.addressKind
        next.scope.addresses = scope.addresses.afterRedirect(from: next.firstAddressKind)
        if URLParts.host(of: target) != URLParts.host(of: url) { next.dropCredentialHeaders() }
        return .success(next)
    }
}
