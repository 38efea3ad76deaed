import CNATS
import Logging

/// The JetStream stream the sink publishes into: made at start when missing, from the configuration, or
/// checked against it when it exists, a difference named (``NATSStreamMismatch``).
struct NATSStream {
    let settings: NATSSettings
    let connection: NATSConnection

    /// Makes the stream when it is missing, or checks the one there.
    /// - Returns: the stream's last sequence now (0 when empty).
    func ensure(logger: Logger) throws -> UInt64 {
        if let info = try info() {
            defer { jsStreamInfo_Destroy(info) }
            try check(info.pointee.Config.pointee)
            return info.pointee.State.LastSeq
        }
        try create()
        logger.notice(
            "made the JetStream stream",
            metadata: [
                "stream": "\(settings.stream)", "subject": "\(settings.subject)",
                "duplicate_window": "\(settings.duplicateWindowSeconds)s",
            ])
        return 0
    }

    /// The stream's last sequence now.
    func lastSequence() throws -> UInt64 {
        guard let info = try info() else {
            throw NATSStreamMismatch(stream: settings.stream, key: "stream", reason: "the stream is gone")
        }
        defer { jsStreamInfo_Destroy(info) }
        return info.pointee.State.LastSeq
    }

    /// The subjects the stream takes.
    /// - Throws: a ``NATSError`` when it cannot be read, or there is no such stream.
    func subjects() throws(NATSError) -> [String] {
        guard let info = try info() else {
            throw NATSError("reading the stream \(settings.stream)", status: NATS_NOT_FOUND, code: JSStreamNotFoundErr)
        }
        defer { jsStreamInfo_Destroy(info) }
        return Self.subjects(of: info.pointee.Config.pointee)
    }

    /// The subjects a stream's configuration names.
    private static func subjects(of config: jsStreamConfig) -> [String] {
        (0..<Int(config.SubjectsLen)).compactMap { config.Subjects[$0].map { String(cString: $0) } }
    }

    /// The stream's information (to be destroyed by the caller), or `nil` when there is no such stream.
    private func info() throws(NATSError) -> UnsafeMutablePointer<jsStreamInfo>? {
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(0)
        let status = js_GetStreamInfo(&info, connection.jetStream, settings.stream, nil, &code)
        if status == NATS_NOT_FOUND || code == JSStreamNotFoundErr { return nil }
        guard status == NATS_OK else {
            throw NATSError("reading the stream \(settings.stream)", status: status, code: code)
        }
        return info
    }

    private func create() throws {
        var config = jsStreamConfig()
        jsStreamConfig_Init(&config)
        var code = jsErrCode(0)
        let status = settings.stream.withCString { name in
            settings.subject.withCString { subject in
                var subjects: [UnsafePointer<CChar>?] = [subject]
                return subjects.withUnsafeMutableBufferPointer { subjectList in
                    config.Name = name
                    config.Subjects = subjectList.baseAddress
                    config.SubjectsLen = 1
                    config.Storage = js_FileStorage
                    config.Duplicates = Int64(settings.duplicateWindowSeconds * 1e9)
                    config.MaxAge = Int64(settings.maxAgeSeconds * 1e9)
                    config.MaxBytes = settings.maxBytes == 0 ? -1 : settings.maxBytes
                    config.Discard = settings.discard == .new ? js_DiscardNew : js_DiscardOld
                    var info: UnsafeMutablePointer<jsStreamInfo>?
                    defer { jsStreamInfo_Destroy(info) }
                    return js_AddStream(&info, connection.jetStream, &config, nil, &code)
                }
            }
        }
        if code == JSStreamSubjectOverlapErr {
            throw NATSStreamMismatch(
                stream: settings.stream, key: "output.nats.subject",
                reason: "another stream already takes \(settings.subject): name that stream in output.nats.stream, "
                    + "or choose another subject")
        }
        guard status == NATS_OK else {
            throw NATSError("making the stream \(settings.stream)", status: status, code: code)
        }
    }

    /// Checks an existing stream against what the configuration asks of it.
    private func check(_ config: jsStreamConfig) throws(NATSStreamMismatch) {
        func mismatch(_ key: String, _ reason: String) -> NATSStreamMismatch {
            NATSStreamMismatch(stream: settings.stream, key: "output.nats." + key, reason: reason)
        }
        let subjects = Self.subjects(of: config)
        guard subjects.contains(where: { Self.filter($0, matches: settings.subject) }) else {
            throw mismatch(
                "subject",
                "the stream takes \(subjects.joined(separator: ", ")), not \(settings.subject): publications would be lost"
            )
        }
        guard config.Storage == js_FileStorage else {
            throw mismatch("stream", "the stream keeps its messages in memory; exactly once needs file storage")
        }
        let window = Double(config.Duplicates) / 1e9
        guard window == settings.duplicateWindowSeconds else {
            throw mismatch(
                "duplicate_window",
                "the stream's duplicate window is \(Self.seconds(window)) s, the configuration says "
                    + "\(Self.seconds(settings.duplicateWindowSeconds)) s")
        }
        let maxAge = Double(config.MaxAge) / 1e9
        guard maxAge == settings.maxAgeSeconds else {
            throw mismatch(
                "max_age",
                "the stream keeps messages \(maxAge == 0 ? "for ever" : "\(Self.seconds(maxAge)) s"), the "
                    + "configuration says \(settings.maxAgeSeconds == 0 ? "for ever (0)" : "\(Self.seconds(settings.maxAgeSeconds)) s")"
            )
        }
        let maxBytes = config.MaxBytes <= 0 ? 0 : config.MaxBytes
        guard maxBytes == settings.maxBytes else {
            throw mismatch(
                "max_bytes", "the stream's max_bytes is \(maxBytes), the configuration says \(settings.maxBytes)")
        }
        let discard: NATSSettings.Discard = config.Discard == js_DiscardNew ? .new : .old
        guard discard == settings.discard else {
            throw mismatch(
                "discard",
                "the stream discards \(discard.rawValue), the configuration says \(settings.discard.rawValue)")
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }

    /// True when the subject filter `filter` (with `*` for one token and `>` for the rest) takes `subject`.
    static func filter(_ filter: String, matches subject: String) -> Bool {
        let filterTokens = filter.split(separator: ".", omittingEmptySubsequences: false)
        let subjectTokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        for (index, token) in filterTokens.enumerated() {
            if token == ">" { return subjectTokens.count > index }
            guard index < subjectTokens.count, token == "*" || token == subjectTokens[index] else { return false }
        }
        return filterTokens.count == subjectTokens.count
    }
}

/// The stream exists and differs from what the configuration asks: a configuration error (exit 78), named by
/// its key.
public struct NATSStreamMismatch: Error, CustomStringConvertible, Sendable {
    public var stream: String
    public var key: String
    public var reason: String

    public var description: String {
        "\(key): the JetStream stream \(stream) does not match the configuration: \(reason) "
            + "(change the configuration or the stream, e.g. with `nats stream edit`)"
    }
}
