#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory's names, read with `opendir(3)` and `readdir(3)`, sorted by their bytes.
package enum Directory {
    /// A name in a directory and its `d_type` (`DT_DIR`, `DT_REG`, `DT_LNK`, `DT_UNKNOWN`…).
    package struct Entry {
        package var name: String
        package var type: Int32
    }

    /// Why a directory could not be opened: `errno` from `opendir(3)`.
    package struct OpenFailure: Error {
        package var code: Int32
    }

    /// The entries of `path` but `.` and `..`, sorted by name.
    package static func entries(in path: String) -> Result<[Entry], OpenFailure> {
        guard let dir = opendir(path) else { return .failure(OpenFailure(code: errno)) }
        defer { closedir(dir) }
        var entries: [Entry] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." { continue }
            entries.append(Entry(name: name, type: Int32(entry.pointee.d_type)))
        }
        return .success(entries.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) })
    }

    /// The names in `path` but `.` and `..`, sorted; none when it cannot be opened (it does not
    /// exist, it is not a directory).
    static func files(in path: String) -> [String] {
        (try? entries(in: path).get())?.map(\.name) ?? []
    }
}
