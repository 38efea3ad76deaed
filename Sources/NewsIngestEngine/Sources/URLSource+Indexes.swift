import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

extension URLSource {
    /// Polls a configured index: its links, or (`discover_feeds`) the feeds the page names; then
    /// (`discover_sitemaps`) the sitemaps its host's `robots.txt` lists.
    func fetchIndex(_ source: URLSettings) {
        // Until the page was read since the start, it is asked for whole: the feeds it names are not known yet.
        let knowsFeeds = discoveredFeeds.wrapped[source.url] != nil
        let validators = !source.discoverFeeds || knowsFeeds ? try? state.validators(of: source.url) : nil
        let request = request(source.url, of: source, reach: .configured, validators: validators)
        fetchRetrying(request, of: source, linkOf: nil) { @Sendable [self] end in
            guard case .response(let response) = end else { return }
            if source.discoverSitemaps { pollSitemaps(of: source, originKind: response.addressKind) }
            guard response.status != 304 else {
                for feed in discoveredFeeds.wrapped[source.url] ?? [] {
                    fetchNamedIndex(feed, of: source, originKind: response.addressKind)
                }
                return
            }
            _ = reported.withLock { $0.removeValue(forKey: source.url) }
            if source.discoverFeeds, takeFeeds(of: response, source: source) { return }
            takeLinks(
                of: response, index: source.url, source: source, isFirstPoll: validators == nil,
                originKind: response.addressKind)
        }
    }

    /// With `discover_feeds`: polls the feeds the page names and remembers them; false when it names none
    /// (its own links are then taken).
    private func takeFeeds(of response: HTTPResponse, source: URLSettings) -> Bool {
        let named = FeedLinks.feeds(in: response.body, base: response.finalURL)
        let feeds = named.filter { admit($0, of: source) }
        if discoveredFeeds.wrapped[source.url] != feeds {
            logger.info(
                "feeds discovered on an index page",
                metadata: [
                    "url": "\(URLParts.withoutCredentials(source.url))", "feeds": "\(feeds.count)",
                    "skipped": "\(named.count - feeds.count)",
                ])
        }
        discoveredFeeds.wrapped[source.url] = named.isEmpty ? nil : feeds
        guard !named.isEmpty else { return false }
        pipeline.commitFetchState(
            URLOutcome(
                url: source.url, etag: response.header("etag"), lastModified: response.header("last-modified"),
                contentID: nil, kind: .duplicate, index: nil))
        for feed in feeds { fetchNamedIndex(feed, of: source, originKind: response.addressKind) }
        return true
    }

    /// With `discover_sitemaps`: polls the sitemaps the `robots.txt` of the index's host lists.
    private func pollSitemaps(of source: URLSettings, originKind: AddressKind?) {
        let template = request(source.url, of: source, reach: .named(originKind: originKind), validators: nil)
        robots.rules(for: source.url, template: template) { @Sendable [self] rules in
            for sitemap in rules.sitemaps where HTTPRequest.isFetchable(sitemap) && admit(sitemap, of: source) {
                fetchNamedIndex(sitemap, of: source, originKind: originKind)
            }
        }
    }

    /// Polls an index a remote server named (a feed, a sitemap), once `robots.txt` allows, as the source's.
    /// One poll of such an index at a time: a slow one is not asked again while its answer is awaited.
    private func fetchNamedIndex(_ url: String, of source: URLSettings, originKind: AddressKind?) {
        guard namedIndexesInFlight.wrapped.insert(url).inserted else { return }
        askRobots(url, of: source, originKind: originKind) { @Sendable [self] verdict in
            guard case .allowed(let crawlDelay) = verdict else {
                namedIndexesInFlight.wrapped.remove(url)
                return
            }
            let validators = try? state.validators(of: url)
            let request = request(
                url, of: source, reach: .named(originKind: originKind), validators: validators,
                crawlDelaySeconds: crawlDelay)
            fetchRetrying(request, of: source, linkOf: nil) { @Sendable [self] end in
                namedIndexesInFlight.wrapped.remove(url)
                guard case .response(let response) = end, response.status != 304 else { return }
                _ = reported.withLock { $0.removeValue(forKey: url) }
                takeLinks(
                    of: response, index: url, source: source, isFirstPoll: validators == nil, originKind: originKind)
            }
        }
    }

    /// Fetches the index's links not taken before and allowed; commits the index's validators once all are
    /// taken. `originKind`: the kind of address the configured URL was on (the response's own when the index
    /// is the configured URL).
    private func takeLinks(
        of response: HTTPResponse, index: String, source: URLSettings, isFirstPoll: Bool, originKind: AddressKind?
    ) {
        var body = response.body
        if Gzip.isCompressed(body) {
            // A gzip file (`sitemap.xml.gz`), not a Content-Encoding libcurl decoded on the way.
            do {
                body = try Gzip.decompress(body, limit: source.maxBytes)
            } catch {
                return report(index, index: nil, code: "bad_gzip", reason: error.description, size: body.count)
            }
        }
        let links = IndexLinks.links(in: body, base: response.finalURL).filter { link in
            source.include.contains { fnmatch($0, link, 0) == 0 }
                && !source.exclude.contains { fnmatch($0, link, 0) == 0 }
        }
        let indexState = URLOutcome(
            url: index, etag: response.header("etag"), lastModified: response.header("last-modified"),
            contentID: nil, kind: .duplicate, index: nil)
        let shownIndex = URLParts.withoutCredentials(index)
        if isFirstPoll, source.startAt == .now {
            do {
                try state.markLinksTaken(links, of: index)
                pipeline.commitFetchState(indexState)
                logger.info(
                    "index first seen; its links are remembered, not fetched (start_at = now)",
                    metadata: ["url": "\(shownIndex)", "links": "\(links.count)"])
            } catch {
                logger.error(
                    "could not remember an index's links", metadata: ["url": "\(shownIndex)", "error": "\(error)"])
            }
            return
        }
        let admitted = links.filter { admit($0, of: source) }
        // When the state cannot be read, every link is fetched (see ``VersionCheck/untakenLinks(among:)``).
        let new = (try? pipeline.versions.untakenLinks(among: admitted)) ?? admitted
        let group = DispatchGroup()
        // The index's validators wait until every link is taken; one fetched for another index is not yet.
        let allTaken = Mutex(new.allSatisfy { !linksInFlight.wrapped.contains($0) })
        for link in new where linksInFlight.wrapped.insert(link).inserted {
            group.enter()
            followLink(link, of: source, index: index, originKind: originKind) { @Sendable [self] taken in
                linksInFlight.wrapped.remove(link)
                if !taken { allTaken.withLock { $0 = false } }
                group.leave()
            }
        }
        group.notify(queue: queue) { @Sendable [self] in
            // Every link is committed (or failed) before this.
            if allTaken.withLock({ $0 }), !isStopped.load(ordering: .relaxed) { pipeline.commitFetchState(indexState) }
        }
        if !new.isEmpty {
            logger.info("new links in an index", metadata: ["url": "\(shownIndex)", "links": "\(new.count)"])
        }
    }

    /// True when `link` may be followed for `source`: on its site or `follow_hosts`, and carrying
    /// credentials only to the configured URL's own host. A link that may not is counted and logged at
    /// `debug`.
    func admit(_ link: String, of source: URLSettings) -> Bool {
        let hosts = hostScope(of: source)
        let reason: SkippedLinks.Reason
        if URLParts.hasCredentials(link), URLParts.host(of: link) != hosts.ownHost {
            reason = .credentials
        } else if !hosts.permits(link) {
            reason = .offSite
        } else {
            return true
        }
        skipped.count(reason)
        logger.debug(
            "link not followed",
            metadata: [
                "url": "\(URLParts.withoutCredentials(link))", "reason": "\(reason.rawValue)",
                "index": "\(URLParts.withoutCredentials(source.url))",
            ])
        return false
    }

    /// What `robots.txt` says of one URL.
    enum RobotsVerdict {
        /// Fetch it, pacing its host by this crawl delay (`nil`: none named).
        case allowed(crawlDelay: Double?)
        /// Skip it (counted, logged at `debug`).
        case disallowed
        /// Not now: the host's `robots.txt` could not be fetched.
        case unavailable
    }

    /// Calls `then` on `queue` with what the host's `robots.txt` says of `url`; `allowed` at once when the
    /// source does not obey it.
    private func askRobots(
        _ url: String, of source: URLSettings, originKind: AddressKind?,
        then: @escaping @Sendable (RobotsVerdict) -> Void
    ) {
        guard source.obeyRobots else { return then(.allowed(crawlDelay: nil)) }
        let template = request(url, of: source, reach: .named(originKind: originKind), validators: nil)
        robots.rules(for: url, template: template) { @Sendable [self] rules in
            guard !rules.isUnavailable else { return then(.unavailable) }
            guard rules.allows(URLParts.pathAndQuery(of: url)) else {
                skipped.count(.robots)
                logger.debug("robots.txt disallows a link", metadata: ["url": "\(URLParts.withoutCredentials(url))"])
                return then(.disallowed)
            }
            then(.allowed(crawlDelay: rules.crawlDelaySeconds))
        }
    }

    /// Fetches an index's `link` once `robots.txt` allows it and fewer than ``maxRunningLinks`` are running;
    /// `done` runs on `queue`, as for ``fetchArticle(_:url:of:index:handedOver:done:)``: a link
    /// `robots.txt` disallows is done (true: nothing more to do for this version of the index), one whose
    /// `robots.txt` is unavailable is not (false: asked again at the next poll).
    private func followLink(
        _ link: String, of source: URLSettings, index: String, originKind: AddressKind?,
        done: @escaping @Sendable (Bool) -> Void
    ) {
        askRobots(link, of: source, originKind: originKind) { @Sendable [self] verdict in
            switch verdict {
            case .unavailable: done(false)
            case .disallowed: done(true)
            case .allowed(let crawlDelay):
                let request = request(
                    link, of: source, reach: .named(originKind: originKind), validators: nil,
                    crawlDelaySeconds: crawlDelay)
                enqueue(request, link: link, of: source, index: index, done: done)
            }
        }
    }

    private func enqueue(
        _ request: HTTPRequest, link: String, of source: URLSettings, index: String,
        done: @escaping @Sendable (Bool) -> Void
    ) {
        waitingLinks.wrapped.append { @Sendable [self] in
            // In a cluster, the link is claimed as its fetch starts: one daemon fetches it.
            switch cluster?.claim(link) ?? .won {
            case .won, .takenOver:
                fetchArticle(
                    request, url: link, of: source, index: index,
                    handedOver: { @Sendable [self] in
                        runningLinks.wrapped -= 1
                        startWaitingLinks()
                    },
                    done: { @Sendable [self] taken in
                        if let cluster { taken ? cluster.markDone(link) : cluster.release(link) }
                        done(taken)
                    })
            case .doneElsewhere:
                // Taken by another daemon of the cluster: committed here as taken, so it is not asked again.
                runningLinks.wrapped -= 1
                pipeline.commitFetchState(
                    URLOutcome(url: link, etag: nil, lastModified: nil, contentID: nil, kind: .duplicate, index: index))
                done(true)
            case .heldElsewhere, .unavailable:
                // Another daemon fetches it now (or the bucket cannot be asked): the index's next poll asks again.
                runningLinks.wrapped -= 1
                done(false)
            }
        }
        startWaitingLinks()
    }

    private func startWaitingLinks() {
        while runningLinks.wrapped < maxRunningLinks, !isStopped.load(ordering: .relaxed),
            let start = waitingLinks.wrapped.popFirst()
        {
            runningLinks.wrapped += 1
            start()
        }
    }
}
