import Foundation

/// `-o FILE`: writes a command's output to a file, whole or not at all. A regular file (or a
/// new one) is written beside and renamed over, so a reader never sees half of it; anything
/// else (`/dev/null`, `/dev/stdout`, a FIFO) is written in place, since renaming over it
/// would replace the device with a plain file. `-` means standard output.
enum OutputFile {
    static func write(_ bytes: [UInt8], to path: String) throws {
        if path == "-" {
            Terminal.writeBytes(bytes)
            return
        }
        var info = stat()
        let exists = stat(path, &info) == 0
        do {
            if !exists || (info.st_mode & S_IFMT) == S_IFREG {
                try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            } else {
                guard let handle = FileHandle(forWritingAtPath: path) else {
                    throw CocoaError(.fileWriteNoPermission)
                }
                defer { try? handle.close() }
                try handle.write(contentsOf: Data(bytes))
            }
        } catch {
            throw CLIFailure(
                message: "cannot write \(path): \(error.localizedDescription)",
                hint: "check that the folder exists and is writable, or leave -o out to write to standard output")
        }
    }
}
