/// How one file edit turned out when replayed with the recording tool's semantics.
package enum FileEdit: Equatable {
    case write([UInt8])
    case delete
    /// The tool would have refused, with the tool's own message.
    case failure(String)
}
