import Foundation

/// A real nginx (Debian's `nginx-light`) on 127.0.0.1 for URL tests and benchmarks where a real server's
/// behaviour matters: its autoindex pages, HTTP/2 over TLS. Serves `documentRoot` with `autoindex on` over
/// plain HTTP, and over HTTPS with HTTP/2 using a self-signed certificate for 127.0.0.1 (`certificate`, to
/// give clients as their CA file). Stopped when released.
public final class TestNginx: @unchecked Sendable {
    public let documentRoot: URL
    /// `http://127.0.0.1:PORT` and `https://127.0.0.1:PORT`.
    public let baseURL: String
    public let secureBaseURL: String
    /// The server's certificate (PEM), which is its own CA.
    public let certificate: String
    private let process: Process
    private let directory: TemporaryDirectory

    /// True when nginx and openssl are installed (`make deps` installs them).
    public static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    }

    public init() throws {
        directory = try TemporaryDirectory()
        documentRoot = directory.url.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: documentRoot, withIntermediateDirectories: true)
        certificate = directory.path("cert.pem")
        let key = directory.path("key.pem")
        try Self.makeCertificate(certificate, key: key)
        let (port, securePort) = (try Self.freePort(), try Self.freePort())
        let temporary = directory.path("tmp")
        let configuration = """
            # One process: a worker outliving a killed master would keep this process's pipes open.
            master_process off;
            pid \(directory.path("nginx.pid"));
            error_log \(directory.path("error.log"));
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path \(temporary)/body;
                proxy_temp_path \(temporary)/proxy;
                fastcgi_temp_path \(temporary)/fastcgi;
                uwsgi_temp_path \(temporary)/uwsgi;
                scgi_temp_path \(temporary)/scgi;
                default_type text/plain;
                keepalive_requests 100000;
                server {
                    listen 127.0.0.1:\(port);
                    root \(documentRoot.path);
                    autoindex on;
                }
                server {
                    listen 127.0.0.1:\(securePort) ssl http2;
                    ssl_certificate \(certificate);
                    ssl_certificate_key \(key);
                    root \(documentRoot.path);
                    autoindex on;
                }
            }
            """
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        let configurationPath = directory.path("nginx.conf")
        try Data(configuration.utf8).write(to: URL(fileURLWithPath: configurationPath))
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = ["-c", configurationPath, "-p", directory.url.path, "-g", "daemon off;"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        baseURL = "http://127.0.0.1:\(port)"
        secureBaseURL = "https://127.0.0.1:\(securePort)"
        guard Wait.until(seconds: 30, { Self.accepts(port) && Self.accepts(securePort) }) else {
            kill(process.processIdentifier, SIGKILL)
            throw StartFailed(log: (try? String(contentsOfFile: directory.path("error.log"), encoding: .utf8)) ?? "")
        }
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Serves `bytes` at `/name`.
    public func serve(_ name: String, _ bytes: [UInt8]) throws {
        try TestHTTPServer.place(bytes, at: name, under: documentRoot)
    }

    struct StartFailed: Error, CustomStringConvertible {
        var log: String
        var description: String { "nginx did not start: \(log)" }
    }

    /// Makes a self-signed certificate for 127.0.0.1 (its own CA) and its key, with openssl.
    static func makeCertificate(_ certificate: String, key: String) throws {
        try run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ])
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StartFailed(log: "\(executable) exited \(process.terminationStatus)")
        }
    }

    /// A port nothing listens on now (the kernel's choice for port 0).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw StartFailed(log: "no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
