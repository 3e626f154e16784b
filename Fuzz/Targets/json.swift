import Trace

/// Fuzz target `json`: the JSON parser every reader is built on, on one document. A value
/// it accepts must write (compact and pretty) to text it parses back to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzInput.bytes(data, size)
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    var out: [UInt8] = []
    JSONWriter.write(value, into: &out)
    for text in [out, Array(JSONWriter.pretty(value).utf8)] {
        guard let again = try? JSONParser.parse(text) else {
            fatalError("fuzz: JSONWriter wrote text JSONParser refuses: \(String(decoding: text.prefix(200), as: UTF8.self))")
        }
        guard again == value else {
            fatalError("fuzz: JSON written and parsed again differs: \(String(decoding: text.prefix(200), as: UTF8.self))")
        }
    }
    return 0
}
