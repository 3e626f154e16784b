/// Arithmetic that cannot trap on a value a log holds: a sum or product past the type's range
/// is held at its bound (`Int64.max`, `Int64.min`) instead of stopping the process. Token
/// counts, costs, durations and line counts add up with these, so a log claiming 2⁶³ tokens
/// twice shows `9223372036854775807`, not a crash (`docs/security.md`, "Limits").
extension FixedWidthInteger where Self: SignedInteger {
    /// `self + other`, held at the bounds.
    public func saturatingAdd(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, held at the bounds.
    public func saturatingSubtract(_ other: Self) -> Self {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// `self * other`, held at the bounds.
    public func saturatingMultiply(_ other: Self) -> Self {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }
}
