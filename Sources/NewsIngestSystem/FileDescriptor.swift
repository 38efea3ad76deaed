import CLinuxStat

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file descriptor, closed exactly once.
public final class FileDescriptor: Sendable {
    /// The raw descriptor.
    public let rawValue: Int32
    private let path: String?

    /// Opens `path` read-only (close-on-exec). With `waitingForAWriter` false, a FIFO with no writer opens at
    /// once (`O_NONBLOCK`), where a blocking `open` would wait for a writer for ever: for a path checked to be
    /// a regular file, which may have been replaced by a FIFO since (the caller then finds it is not one with
    /// ``status()``). For a regular file `O_NONBLOCK` changes nothing.
    public init(openingForReading path: String, waitingForAWriter: Bool = true) throws(SystemCallError) {
        let flags = O_RDONLY | O_CLOEXEC | (waitingForAWriter ? 0 : O_NONBLOCK)
        self.rawValue = try SystemCall.retrying("open", path) {
            // `withCString` lends a native string's own bytes; passing `path` itself would copy them.
            path.withCString { open($0, flags) }
        }
        self.path = path
    }

    /// Clears `O_NONBLOCK`: reads wait for data again (a pipe opened without waiting for a writer, once it is
    /// known to have one).
    public func makeBlocking() throws(SystemCallError) {
        let flags = try SystemCall.retrying("fcntl", path) { fcntl(rawValue, F_GETFL) }
        _ = try SystemCall.retrying("fcntl", path) { fcntl(rawValue, F_SETFL, flags & ~O_NONBLOCK) }
    }

    /// Opens `path` for writing (close-on-exec); with `append`, every write goes to the end of the file; with
    /// `alsoReading`, it can be read back (`pread`) too.
    public init(
        openingForWriting path: String,
        append: Bool = false,
        create: Bool = false,
        alsoReading: Bool = false,
        mode: mode_t = 0o644
    ) throws(SystemCallError) {
        let access = alsoReading ? O_RDWR : O_WRONLY
        let flags = access | O_CLOEXEC | (append ? O_APPEND : 0) | (create ? O_CREAT : 0)
        self.rawValue = try SystemCall.retrying("open", path) {
            path.withCString { open($0, flags, mode) }
        }
        self.path = path
    }

    /// Takes ownership of a descriptor opened elsewhere (an accepted connection): closed with this. `name`
    /// stands for a path in errors.
    public init(adopting rawValue: Int32, name: String) {
        self.rawValue = rawValue
        self.path = name
    }

    /// Wraps an inherited descriptor such as standard input; it is not closed.
    public init(borrowing rawValue: Int32) {
        self.rawValue = rawValue
        self.path = nil
    }

    deinit {
        // Writers that care sync with `synchronizeData()` first; an error from close itself then loses nothing.
        if path != nil { _ = close(rawValue) }
    }

    /// Reads until end of file, at most `limit` bytes.
    ///
    /// For a regular file (`isRegularFile`), a read that returns fewer bytes than asked for has reached the
    /// end, so no further read is made to see it; pipes and terminals are read until a read returns nothing.
    /// - Throws: ``SystemCallError``, or ``FileTooLargeError`` beyond `limit`.
    public func readAll(sizeHint: Int = 0, limit: Int = .max, isRegularFile: Bool = false) throws -> [UInt8] {
        // One byte more than the hint, so end of file is seen without growing; a growing file doubles the buffer.
        var bytes = [UInt8](repeating: 0, count: sizeHint > 0 ? sizeHint + 1 : 64 * 1024)
        var filled = 0
        while true {
            if filled == bytes.count {
                guard bytes.count < limit else { throw FileTooLargeError(path: path ?? "-", limit: limit) }
                bytes.append(contentsOf: [UInt8](repeating: 0, count: bytes.count))
            }
            let count = try bytes.withUnsafeMutableBytes { buffer throws(SystemCallError) in
                try SystemCall.retrying("read", path) {
                    posixRead(rawValue, buffer.baseAddress! + filled, buffer.count - filled)
                }
            }
            if count == 0 { break }
            let asked = bytes.count - filled
            filled += count
            if filled > limit { throw FileTooLargeError(path: path ?? "-", limit: limit) }
            if isRegularFile && count < asked { break }
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// Reads what is available into `buffer`, up to its size.
    /// - Returns: the number of bytes read; 0 at end of file.
    public func read(into buffer: inout [UInt8]) throws(SystemCallError) -> Int {
        var failure: SystemCallError?
        let count = buffer.withUnsafeMutableBytes { raw -> Int in
            do throws(SystemCallError) {
                return try SystemCall.retrying("read", path) { posixRead(rawValue, raw.baseAddress!, raw.count) }
            } catch {
                failure = error
                return 0
            }
        }
        if let failure { throw failure }
        return count
    }

    /// Writes all of `bytes`, continuing after short writes. `toSocket`: `send` without `SIGPIPE`, so a peer
    /// that went away is an `EPIPE` error, not the end of the process.
    public func writeAll(_ bytes: [UInt8], toSocket: Bool = false) throws(SystemCallError) {
        var failure: SystemCallError?
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                do throws(SystemCallError) {
                    written += try SystemCall.retrying(toSocket ? "send" : "write", path) {
                        let start = buffer.baseAddress! + written
                        return toSocket
                            ? send(rawValue, start, buffer.count - written, Int32(MSG_NOSIGNAL))
                            : write(rawValue, start, buffer.count - written)
                    }
                } catch {
                    failure = error
                    return
                }
            }
        }
        if let failure { throw failure }
    }

    /// `fdatasync(2)`: the data written so far is on disk when this returns.
    /// Gives this file the permission bits and the access and modification times of `other` (`fstat`,
    /// `fchmod`, `futimens`), as `mv` does for a file it copies.
    public func takeModeAndTimes(of other: FileDescriptor) throws(SystemCallError) {
        var info = stat()
        try SystemCall.retrying("fstat", other.path) { fstat(other.rawValue, &info) }
        try SystemCall.retrying("fchmod", path) { fchmod(rawValue, info.st_mode & 0o7777) }
        try SystemCall.retrying("futimens", path) { futimens(rawValue, [info.st_atim, info.st_mtim]) }
    }

    public func synchronizeData() throws(SystemCallError) {
        try SystemCall.retrying("fdatasync", path) { fdatasync(rawValue) }
    }

    /// `ftruncate(2)`.
    public func truncate(to size: Int) throws(SystemCallError) {
        try SystemCall.retrying("ftruncate", path) { ftruncate(rawValue, off_t(size)) }
    }

    /// `pread(2)` of up to `count` bytes at `offset`, looping over short reads until `count` or end of file.
    public func read(count: Int, at offset: Int) throws(SystemCallError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            var failure: SystemCallError?
            let got = bytes.withUnsafeMutableBytes { buffer -> Int in
                do throws(SystemCallError) {
                    return try SystemCall.retrying("pread", path) {
                        pread(rawValue, buffer.baseAddress! + filled, count - filled, off_t(offset + filled))
                    }
                } catch {
                    failure = error
                    return 0
                }
            }
            if let failure { throw failure }
            if got == 0 { break }
            filled += got
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// What `statx` says of the open file, its birth time included where the file system keeps one (`fstat`
    /// where the kernel has no `statx`).
    public func status() throws(SystemCallError) -> FileStatus {
        try FileStatus.extended(path, { clinuxstat_statx(rawValue, "", clinuxstat_at_empty_path, $0, &$1) }) {
            () throws(SystemCallError) -> FileStatus in
            var info = stat()
            try SystemCall.retrying("fstat", path) { fstat(rawValue, &info) }
            return FileStatus(info)
        }
    }
}

/// What `stat` says of a file.
public struct FileStatus: Sendable, Equatable {
    /// Size in bytes.
    public var size: Int
    /// Modification time, milliseconds since 1970.
    public var modifiedMilliseconds: Int64
    /// Modification time, nanoseconds since 1970: with device, inode and size it identifies a file's version.
    public var modifiedNanoseconds: Int64
    /// Status change time (a write, a rename, a new link), nanoseconds since 1970.
    public var changedNanoseconds: Int64
    /// The device holding the file.
    public var device: UInt64
    /// The inode number.
    public var inode: UInt64
    /// Names (hard links) the file has; 0 once removed while still open.
    public var links: Int
    /// False for directories, devices, pipes.
    public var isRegularFile: Bool
    /// True for directories.
    public var isDirectory: Bool
    /// True for pipes and FIFOs (named pipes).
    public var isPipe: Bool
    /// When the file was made (`stx_btime`), nanoseconds since 1970; `nil` when unknown (the file system
    /// keeps no birth time, or `stat` rather than `statx` described it). A file that took a deleted file's inode
    /// has another birth time; a file renamed, `chmod`ed or touched keeps its own.
    public var bornNanoseconds: Int64?

    init(_ info: stat) {
        size = Int(info.st_size)
        modifiedNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        modifiedMilliseconds = Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
        changedNanoseconds = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        links = Int(info.st_nlink)
        isRegularFile = info.st_mode & S_IFMT == S_IFREG
        isDirectory = info.st_mode & S_IFMT == S_IFDIR
        isPipe = info.st_mode & S_IFMT == S_IFIFO
        bornNanoseconds = nil
    }

    init(_ info: CLinuxStat.statx) {
        func nanoseconds(_ time: statx_timestamp) -> Int64 { time.tv_sec * 1_000_000_000 + Int64(time.tv_nsec) }
        size = Int(info.stx_size)
        modifiedNanoseconds = nanoseconds(info.stx_mtime)
        modifiedMilliseconds = info.stx_mtime.tv_sec * 1000 + Int64(info.stx_mtime.tv_nsec) / 1_000_000
        changedNanoseconds = nanoseconds(info.stx_ctime)
        // The device number `stat` gives: glibc's `makedev` of the two halves.
        let major = UInt64(info.stx_dev_major)
        let minor = UInt64(info.stx_dev_minor)
        device = (major & 0xfff) << 8 | (major & 0xffff_f000) << 32 | (minor & 0xff) | (minor & 0xffff_ff00) << 12
        inode = info.stx_ino
        links = Int(info.stx_nlink)
        let type = UInt32(info.stx_mode) & UInt32(Glibc.S_IFMT)
        isRegularFile = type == UInt32(Glibc.S_IFREG)
        isDirectory = type == UInt32(Glibc.S_IFDIR)
        isPipe = type == UInt32(Glibc.S_IFIFO)
        bornNanoseconds = info.stx_mask & UInt32(STATX_BTIME) != 0 ? nanoseconds(info.stx_btime) : nil
    }

    /// `statx(2)` of `path`, following symbolic links, with the birth time where the file system keeps one
    /// (`stat` where the kernel has no `statx`).
    /// - Throws: ``SystemCallError`` (`ENOENT` when the file is gone).
    public init(withBirthTimeOf path: String) throws(SystemCallError) {
        self = try Self.extended(path, { clinuxstat_statx(AT_FDCWD, path, 0, $0, &$1) }) {
            () throws(SystemCallError) -> FileStatus in try FileStatus(path: path)
        }
    }

    /// What `statx` says through `call` (given the mask and the buffer to fill), the birth time included where
    /// the file system keeps one; what `fallback` (`stat`, `fstat`) says where there is no `statx` (an old
    /// kernel, a system call filter).
    static func extended(
        _ subject: String?, _ call: (UInt32, inout CLinuxStat.statx) -> Int32,
        fallback: () throws(SystemCallError) -> FileStatus
    ) throws(SystemCallError) -> FileStatus {
        var extended = CLinuxStat.statx()
        let mask = UInt32(STATX_BASIC_STATS) | UInt32(STATX_BTIME)
        do throws(SystemCallError) {
            try SystemCall.retrying("statx", subject) { call(mask, &extended) }
            return FileStatus(extended)
        } catch  where error.errno == ENOSYS || error.errno == EPERM {
            return try fallback()
        }
    }

    /// `stat(2)` of `path`, following symbolic links.
    /// - Throws: ``SystemCallError`` (`ENOENT` when the file is gone).
    public init(path: String) throws(SystemCallError) {
        var info = stat()
        try SystemCall.retrying("stat", path) { path.withCString { stat($0, &info) } }
        self.init(info)
    }
}

/// A file larger than the configured limit.
public struct FileTooLargeError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// The limit in bytes.
    public var limit: Int

    /// Creates the error.
    public init(path: String, limit: Int) {
        self.path = path
        self.limit = limit
    }

    public var description: String { "larger than the limit of \(limit) bytes" }
}

/// `read(2)`, named apart from ``FileDescriptor/read(into:)``.
@inline(__always)
private func posixRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
