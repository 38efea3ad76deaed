#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An inotify instance (non-blocking, close-on-exec) and the events read from it.
public final class Inotify: Sendable {
    /// The descriptor, for a Dispatch read source.
    public let descriptor: Int32

    /// One event: the watch it came from, what happened, and the name inside the watched directory.
    public struct Event: Sendable {
        public var watch: Int32
        public var mask: UInt32
        public var name: String
        /// False when the name's bytes are not UTF-8: ``name`` is then escaped and names no file.
        public var nameIsExact = true

        public var isDirectory: Bool { mask & UInt32(IN_ISDIR) != 0 }
        /// A file was closed after writing, or moved into the directory: it is complete.
        public var isFileComplete: Bool { mask & (UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO)) != 0 && !isDirectory }
        /// A directory was created or moved in.
        public var isNewDirectory: Bool { mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)) != 0 && isDirectory }
        /// A file's or a subdirectory's metadata changed: its mode or owner (`chmod`, `chown`), its times
        /// (`touch`), its extended attributes. Not the watched directory's own (that event has no name).
        public var isAttributeChange: Bool { mask & UInt32(IN_ATTRIB) != 0 && !name.isEmpty }
        /// The kernel's queue overflowed: events were lost.
        public var isOverflow: Bool { mask & UInt32(IN_Q_OVERFLOW) != 0 }
        /// The watch is gone: its directory was deleted (or its file system unmounted), or the watch removed.
        public var isWatchGone: Bool { mask & (UInt32(IN_IGNORED) | UInt32(IN_DELETE_SELF)) != 0 }
        /// The watched directory was renamed: within the watched tree (its new name is announced to its new
        /// parent) or out of it. Its watch stays until it is removed.
        public var isDirectoryMoved: Bool { mask & UInt32(IN_MOVE_SELF) != 0 }
    }

    /// What a directory watch listens for.
    public static let directoryEvents =
        UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_CREATE) | UInt32(IN_ATTRIB)
        | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_ONLYDIR)

    /// Creates the instance.
    public init() throws(SystemCallError) {
        descriptor = try SystemCall.retrying("inotify_init1") { inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) }
    }

    deinit { close(descriptor) }

    /// Watches the directory at `path`.
    /// - Returns: the watch descriptor events carry.
    public func watchDirectory(_ path: String) throws(SystemCallError) -> Int32 {
        try SystemCall.retrying("inotify_add_watch", path) { inotify_add_watch(descriptor, path, Self.directoryEvents) }
    }

    /// Stops watching: `watch` sends no more events but a last `IN_IGNORED`. A watch that is gone already
    /// (its directory deleted) is no error.
    public func removeWatch(_ watch: Int32) {
        _ = try? SystemCall.retrying("inotify_rm_watch") { inotify_rm_watch(descriptor, watch) }
    }

    /// What to tell an operator when ``init()`` or ``watchDirectory(_:)`` failed because a per-user limit
    /// was reached, naming the setting to raise; `nil` for other failures.
    public static func limitAdvice(for error: SystemCallError) -> String? {
        switch (error.call, error.errno) {
        case ("inotify_add_watch", ENOSPC):
            return "the limit on inotify watches per user is reached: raise fs.inotify.max_user_watches "
                + "(sysctl -w fs.inotify.max_user_watches=N, or a file in /etc/sysctl.d)"
        case ("inotify_init1", EMFILE):
            return "the limit on inotify instances per user is reached: raise fs.inotify.max_user_instances "
                + "(sysctl -w fs.inotify.max_user_instances=N, or a file in /etc/sysctl.d)"
        default:
            return nil
        }
    }

    /// Reads the events available now (none when the queue is empty).
    public func readEvents() throws(SystemCallError) -> [Event] {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var events: [Event] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                let error = errno
                if error == EINTR { continue }
                if error == EAGAIN || error == EWOULDBLOCK { return events }
                throw SystemCallError(call: "read", subject: "inotify", errno: error)
            }
            if count == 0 { return events }
            // Records are a 16-byte header (wd, mask, cookie, len) and `len` bytes of NUL-padded name.
            var offset = 0
            while offset + 16 <= count {
                let (watch, mask, length) = buffer.withUnsafeBytes { raw in
                    (
                        raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                        raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                        Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    )
                }
                let nameBytes = buffer[(offset + 16)..<min(count, offset + 16 + length)]
                let bytes = nameBytes.prefix { $0 != 0 }
                let text = FileNameBytes.text(bytes)
                events.append(
                    Event(
                        watch: watch, mask: mask, name: text ?? FileNameBytes.escaped(bytes), nameIsExact: text != nil))
                offset += 16 + length
            }
        }
    }
}
