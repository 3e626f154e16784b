/// A point in time as a recorder wrote it (RFC 3339), with the seconds since the Unix epoch
/// derived from it. The text is kept, so writing a trace back gives the same bytes.
public struct Timestamp: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var text: String
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64
    /// The fraction of the second, in nanoseconds.
    public var nanoseconds: Int32

    public var description: String { text }

    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; nil for anything else.
    public init?(rfc3339 text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Timestamp.parse($0) }) else { return nil }
        self.text = text
        (self.seconds, self.nanoseconds) = parsed
    }

    /// The seconds and nanoseconds of an RFC 3339 time's UTF-8 bytes, or nil.
    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> (Int64, Int32)? {
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<from + count {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard b.count >= 20,
            let year = digits(0, 4), b[4] == UInt8(ascii: "-"),
            let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
            let day = digits(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
            let hour = digits(11, 2), b[13] == UInt8(ascii: ":"),
            let minute = digits(14, 2), b[16] == UInt8(ascii: ":"),
            let second = digits(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var nanos = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 100_000_000
            let start = i
            while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 {
                nanos += Int(b[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offsetSeconds = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let om = digits(i + 4, 2) else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        return (Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds), Int32(nanos))
    }

    /// A timestamp from seconds (and nanoseconds) since the epoch, written as UTC with
    /// millisecond precision.
    public init(seconds: Int64, nanoseconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        let days = Int(seconds / 86_400 - (seconds % 86_400 < 0 ? 1 : 0))  // floor, without overflow
        let rest = Int((seconds % 86_400 + 86_400) % 86_400)
        let (y, m, d) = Timestamp.civilFromDays(days)
        let milliseconds = Int(nanoseconds) / 1_000_000
        if (0...9999).contains(y), (0..<1000).contains(milliseconds) {
            // The common case in fixed-width digits, without a string per field.
            self.text = String(unsafeUninitializedCapacity: 24) { out in
                func put(_ v: Int, _ width: Int, at: Int) {
                    var v = v
                    for i in stride(from: at + width - 1, through: at, by: -1) {
                        out[i] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                        v /= 10
                    }
                }
                put(y, 4, at: 0)
                put(m, 2, at: 5)
                put(d, 2, at: 8)
                put(rest / 3600, 2, at: 11)
                put(rest / 60 % 60, 2, at: 14)
                put(rest % 60, 2, at: 17)
                put(milliseconds, 3, at: 20)
                (out[4], out[7], out[10], out[13]) = (UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"), UInt8(ascii: ":"))
                (out[16], out[19], out[23]) = (UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "Z"))
                return 24
            }
            return
        }
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        self.text =
            "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rest / 3600, 2)):\(pad(rest / 60 % 60, 2)):\(pad(rest % 60, 2)).\(pad(Int(nanoseconds) / 1_000_000, 3))Z"
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The (year, month, day) of a count of days since 1970-01-01 (civil-from-days).
    public static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
