import CGit2

/// Who did something and when, as stored in a commit (libgit2's `git_signature`).
public struct Signature: Sendable, Hashable {
    public var name: String
    public var email: String
    /// Seconds since the Unix epoch.
    public var time: Int64
    /// The author's time zone, in minutes east of UTC (e.g. `120` for +0200).
    public var offsetMinutes: Int32

    public init(name: String, email: String, time: Int64, offsetMinutes: Int32 = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }
}

extension Signature {
    /// Copies a signature libgit2 owns (e.g. `git_commit_author`); the pointer is borrowed.
    init(_ signature: UnsafePointer<git_signature>) {
        let value = signature.pointee
        self.init(
            name: value.name.map { String(cString: $0) } ?? "",
            email: value.email.map { String(cString: $0) } ?? "",
            time: value.when.time,
            offsetMinutes: value.when.offset)
    }

    /// A libgit2 signature built by `git_signature_new` (which rejects names and
    /// emails containing `<`, `>` or newlines); the owner frees it with `git_signature_free`.
    func owned() throws -> Owned<UnsafeMutablePointer<git_signature>> {
        var out: UnsafeMutablePointer<git_signature>?
        try check(git_signature_new(&out, name, email, time, offsetMinutes), "git_signature_new")
        guard let out else { throw GitError.invalid("no signature returned", "git_signature_new") }
        return Owned(out, free: git_signature_free)
    }

    /// Appends the commit header line `<field> <name> <<email>> <time> <±hhmm>` as libgit2
    /// writes it (`git_signature__writebuf`), name and email as `git_signature_new` leaves
    /// them (checked, surrounding spaces trimmed; `names` remembers the last pair checked).
    /// For a time in 0...UInt32.max.
    func appendLine(_ field: String, names: CheckedNames, to out: inout [UInt8]) throws {
        let magnitude = abs(Int(offsetMinutes))
        let sign = offsetMinutes < 0 ? "-" : "+"
        let hours = magnitude / 60, minutes = magnitude % 60
        let zone = sign + (hours < 10 ? "0" : "") + String(hours) + (minutes < 10 ? "0" : "") + String(minutes)
        out += Array("\(field) ".utf8)
        out += try names.text(of: self)
        out += Array(" \(time) \(zone)\n".utf8)
    }
}

/// Names and emails as `git_signature_new` leaves them (checked, surrounding spaces trimmed),
/// as `name <email>`; the last pair is remembered, since a replay signs every commit alike.
final class CheckedNames {
    private var last: (name: String, email: String, text: [UInt8])?

    func text(of signature: Signature) throws -> [UInt8] {
        if let last, last.name == signature.name, last.email == signature.email { return last.text }
        let checked = try signature.owned()
        let (name, email) = checked.use { (String(cString: $0.pointee.name), String(cString: $0.pointee.email)) }
        let text = Array("\(name) <\(email)>".utf8)
        last = (signature.name, signature.email, text)
        return text
    }
}
