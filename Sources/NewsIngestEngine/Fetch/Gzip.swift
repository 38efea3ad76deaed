import CZlib

/// Decompresses a gzip (or zlib) body that was served as a file (`sitemap.xml.gz`), not as a
/// `Content-Encoding` libcurl decodes on the way, holding the result to a limit as it grows.
public enum Gzip {
    /// Why a body could not be decompressed.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// True when `bytes` start with the gzip magic number.
    public static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The decompressed bytes, at most `limit` of them.
    /// - Throws: ``Failure`` for corrupt input or output past `limit` (a compression bomb).
    public static func decompress(_ bytes: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 32: detect gzip or zlib headers.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "gzip: cannot initialize zlib")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = bytes
        var status = Z_OK
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: buffer[..<(buffer.count - Int(stream.avail_out))])
                }
            } while status == Z_OK && output.count <= limit
        }
        guard output.count <= limit else { throw Failure(description: "gzip: more than \(limit) bytes decompressed") }
        guard status == Z_STREAM_END else { throw Failure(description: "gzip: corrupt or truncated data (\(status))") }
        return output
    }
}
