import Glibc

/// A shared library opened with `dlopen` at run time, so the binary links against none of the
/// database clients and runs on machines without them (SPEC §5: a missing one is exit 69).
/// Handles are never closed: the function pointers taken from them live as long as the process.
struct DynamicLibrary: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let name: String

    /// Opens the first of `candidates` that loads (sonames, as `ldconfig` knows them).
    static func open(_ candidates: [String], client: String, package: String) throws(GatewayDBError) -> DynamicLibrary {
        for name in candidates {
            if let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) { return DynamicLibrary(handle: handle, name: name) }
        }
        throw .libraryMissing(client: client, library: candidates.joined(separator: " or "), package: package)
    }

    /// The symbol `name` as the C function type `T` (an `@convention(c)` type: the caller
    /// states the C prototype, from the client's public header).
    func function<T>(_ symbol: String, as type: T.Type = T.self) throws(GatewayDBError) -> T {
        guard let pointer = dlsym(handle, symbol) else {
            throw .libraryMissing(client: name, library: "\(name) with \(symbol)", package: "a newer version of it")
        }
        return unsafeBitCast(pointer, to: T.self)
    }
}

/// A C string argument that lives for the call.
func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) throws -> R) rethrows -> R {
    guard let text else { return try body(nil) }
    return try text.withCString { try body($0) }
}
